#include "controllers/provider/renderer.h"

#include "controllers/provider/render.h"
#include "controllers/provider/select.h"
#include "operator/common/strings.h"

namespace berth::provider {

Result<std::string> RenderConfigFile(const stack::ConfigFileSpec& file,
                                     const std::vector<api::Object>& providers,
                                     const KeyLookup& keys, std::vector<std::string>* used_keys) {
  std::vector<std::string> missing = MissingProviders(file, providers);
  if (!missing.empty()) {
    return Status::Invalid("Provider " + Join(missing, ", ") + " does not exist");
  }
  std::vector<KeyedProvider> keyed;
  for (api::Object& p : SelectProviders(file, providers)) {
    BERTH_ASSIGN_OR_RETURN(ProviderKey key, keys(p));
    if (used_keys != nullptr && !key.value.empty()) used_keys->push_back(key.value);
    keyed.push_back({std::move(p), std::move(key.value)});
  }
  if (keyed.empty()) {
    return Status::Invalid("no Provider matches render.providers / render.providerSelector");
  }
  return RenderFormat(file.render_format, keyed);
}

std::string RenderVersion(const stack::ConfigFileSpec& file,
                          const std::vector<api::Object>& providers, const KeyLookup& keys) {
  std::vector<std::string> parts;
  for (const api::Object& p : SelectProviders(file, providers)) {
    std::string v = p.name() + "=" + ObjectVersion(p);
    auto key = keys(p);
    if (!key.ok()) {
      v += "+unreadable";
    } else if (!key->version.empty()) {
      v += "+" + key->version;
    }
    parts.push_back(v);
  }
  for (const std::string& m : MissingProviders(file, providers)) parts.push_back(m + "=missing");
  return Join(parts, ",");
}

Result<std::string> ProviderConfigRenderer::Render(const std::string& ns,
                                                   const stack::ConfigFileSpec& file) {
  BERTH_ASSIGN_OR_RETURN(registry::ObjectList list, registry_.List("Provider", ns));
  return RenderConfigFile(file, list.items,
                          [this](const api::Object& p) { return ResolveApiKey(registry_, p); });
}

std::string ProviderConfigRenderer::Version(const std::string& ns,
                                            const stack::ConfigFileSpec& file) {
  auto list = registry_.List("Provider", ns);
  if (!list.ok()) return "unavailable";
  return RenderVersion(file, list->items,
                       [this](const api::Object& p) { return ResolveApiKey(registry_, p); });
}

}  // namespace berth::provider
