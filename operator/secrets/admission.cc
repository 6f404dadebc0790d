#include "operator/secrets/admission.h"

#include "operator/common/strings.h"
#include "operator/secrets/sealer.h"

namespace berth::secrets {
namespace {

using api::Json;

void FoldStringData(Json& j) {
  auto sd = j.find("stringData");
  if (sd == j.end()) return;
  if (sd->is_object()) {
    if (!j.contains("data") || !j["data"].is_object()) j["data"] = Json::object();
    for (const auto& [key, v] : sd->items()) {
      j["data"][key] = Base64Encode(v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  j.erase("stringData");
}

void HashKubectlRecord(Json& j) {
  auto meta = j.find("metadata");
  if (meta == j.end() || !meta->is_object()) return;
  auto ann = meta->find("annotations");
  if (ann == meta->end() || !ann->is_object()) return;
  auto rec = ann->find(kKubectlLastApplied);
  if (rec == ann->end() || !rec->is_string()) return;
  Json parsed = Json::parse(rec->get<std::string>(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    ann->erase(kKubectlLastApplied);  // unreadable: may hold values, cannot be hashed
    return;
  }
  *rec = registry::HashSecretValues(std::move(parsed)).dump();
}

}  // namespace

Status SecretAdmission::Admit(registry::Operation op, api::Object& obj, const api::Object* old) {
  if (op == registry::Operation::kDelete) return Status::Ok();
  Json& j = obj.json();
  FoldStringData(j);
  HashKubectlRecord(j);
  if (old == nullptr || !old->json().value("immutable", false)) return Status::Ok();
  std::vector<FieldCause> causes;
  Json old_data = old->json().value("data", Json::object());
  Json new_data = j.value("data", Json::object());
  if (old_data != new_data) {
    causes.push_back(
        {"data", "Forbidden: field is immutable when `immutable` is set", "FieldValueForbidden"});
  }
  if (!j.value("immutable", false)) {
    causes.push_back({"immutable", "Forbidden: field is immutable when `immutable` is set",
                      "FieldValueForbidden"});
  }
  if (causes.empty()) return Status::Ok();
  return Status::Invalid("Secret \"" + obj.name() + "\" is invalid", std::move(causes));
}

void InstallSecrets(registry::Registry& registry, KeyRing keys) {
  registry.SetTransformer("Secret", std::make_shared<AesGcmSealer>(std::move(keys)));
  registry.AddAdmission("Secret", std::make_shared<SecretAdmission>());
}

}  // namespace berth::secrets
