#include "controllers/provider/keys.h"

#include "operator/common/strings.h"

namespace berth::provider {

std::string ObjectVersion(const api::Object& obj) {
  return obj.uid() + "/" + std::to_string(obj.generation());
}

Result<ProviderKey> ResolveApiKey(registry::Registry& registry, const api::Object& provider) {
  const api::Json& spec = provider.spec();
  auto ref = spec.is_object() ? spec.find("apiKeySecretRef") : spec.end();
  if (!spec.is_object() || ref == spec.end() || !ref->is_object()) return ProviderKey{};
  std::string name = ref->value("name", "");
  std::string key = ref->value("key", "");
  auto secret = registry.Get("Secret", provider.ns(), name);
  if (!secret.ok()) {
    if (secret.status().code() == Code::kNotFound) {
      return Status::NotFound("Provider \"" + provider.name() + "\": Secret \"" + name +
                              "\" (apiKeySecretRef) does not exist");
    }
    return secret.status().Prefixed("Provider \"" + provider.name() + "\": reading Secret \"" +
                                    name + "\"");
  }
  const api::Json& data = secret->json().value("data", api::Json::object());
  auto it = data.is_object() ? data.find(key) : data.end();
  if (!data.is_object() || it == data.end() || !it->is_string()) {
    return Status::NotFound("Provider \"" + provider.name() + "\": Secret \"" + name +
                            "\" has no key \"" + key + "\"");
  }
  ProviderKey out;
  if (!Base64Decode(it->get<std::string>(), &out.value)) {
    return Status::Invalid("Provider \"" + provider.name() + "\": Secret \"" + name + "\" key \"" +
                           key + "\" is not base64");
  }
  out.version = ObjectVersion(*secret);
  return out;
}

}  // namespace berth::provider
