#include "operator/apiserver/redact.h"

#include <string>

namespace berth::apiserver {

using api::Json;

bool IsSensitiveKind(std::string_view kind) {
  return kind == "Secret";
}

void RedactSecret(Json& obj) {
  if (!obj.is_object()) return;
  if (auto it = obj.find("data"); it != obj.end() && it->is_object()) {
    for (auto& [key, value] : it->items()) value = kRedacted;
  }
  obj.erase("stringData");
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return;
  auto ann = meta->find("annotations");
  if (ann == meta->end() || !ann->is_object()) return;
  ann->erase(std::string(kKubectlLastApplied));
  ann->erase(std::string(kBerthLastApplied));
  if (ann->empty()) meta->erase("annotations");
}

std::vector<std::string> RestoreRedacted(Json& incoming, const Json& stored) {
  std::vector<std::string> missing;
  auto it = incoming.find("data");
  if (it == incoming.end() || !it->is_object()) return missing;
  const Json* old = nullptr;
  if (auto od = stored.find("data"); od != stored.end() && od->is_object()) old = &*od;
  for (auto& [key, value] : it->items()) {
    if (!value.is_string() || value.get<std::string>() != kRedacted) continue;
    if (old != nullptr && old->contains(key)) {
      value = (*old)[key];
    } else {
      missing.push_back(key);
    }
  }
  return missing;
}

}  // namespace berth::apiserver
