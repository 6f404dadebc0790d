#include "controllers/gc/owners.h"

namespace berth::gc {
namespace {

std::string Str(const api::Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::vector<OwnerRef> OwnerRefsOf(const api::Object& obj) {
  std::vector<OwnerRef> out;
  auto it = obj.metadata().find("ownerReferences");
  if (it == obj.metadata().end() || !it->is_array()) return out;
  for (const api::Json& r : *it) {
    if (!r.is_object()) continue;
    OwnerRef ref{Str(r, "apiVersion"), Str(r, "kind"), Str(r, "name"), Str(r, "uid")};
    if (ref.kind.empty() || ref.name.empty() || ref.uid.empty()) continue;
    out.push_back(std::move(ref));
  }
  return out;
}

bool IsBerthRef(const OwnerRef& ref) {
  return ref.api_version.empty() || ref.api_version.starts_with(std::string(api::kGroup) + "/");
}

Verdict Decide(const std::vector<OwnerRef>& refs, const std::vector<OwnerState>& states,
               bool has_dependents) {
  Verdict v;
  bool solid = false, waiting = false;
  std::vector<std::string> unneeded;
  for (size_t i = 0; i < refs.size() && i < states.size(); ++i) {
    switch (states[i]) {
      case OwnerState::kSolid: solid = true; break;
      case OwnerState::kWaiting:
        waiting = true;
        unneeded.push_back(refs[i].uid);
        break;
      case OwnerState::kDangling: unneeded.push_back(refs[i].uid); break;
    }
  }
  if (unneeded.empty()) return v;  // no owner is gone or going
  if (solid) {
    v.action = Verdict::kRemoveRefs;
    v.remove_uids = std::move(unneeded);
    return v;
  }
  v.action = Verdict::kDelete;
  v.propagation_policy = waiting && has_dependents ? "Foreground" : "Background";
  return v;
}

}  // namespace berth::gc
