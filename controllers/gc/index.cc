#include "controllers/gc/index.h"

#include "controllers/gc/owners.h"

namespace berth::gc {

void DependentIndex::Set(const api::Object& obj) {
  std::vector<std::string> uids;
  for (const OwnerRef& r : OwnerRefsOf(obj)) uids.push_back(r.uid);
  std::lock_guard lock(mu_);
  api::ObjectRef ref = obj.ref();
  RemoveLocked(ref);
  if (uids.empty()) return;
  for (const std::string& uid : uids) by_owner_[uid].insert(ref);
  owners_of_[ref] = std::move(uids);
}

void DependentIndex::Remove(const api::Object& obj) {
  std::lock_guard lock(mu_);
  RemoveLocked(obj.ref());
}

void DependentIndex::RemoveLocked(const api::ObjectRef& ref) {
  auto it = owners_of_.find(ref);
  if (it == owners_of_.end()) return;
  for (const std::string& uid : it->second) {
    auto deps = by_owner_.find(uid);
    if (deps == by_owner_.end()) continue;
    deps->second.erase(ref);
    if (deps->second.empty()) by_owner_.erase(deps);
  }
  owners_of_.erase(it);
}

std::vector<api::ObjectRef> DependentIndex::DependentsOf(const std::string& owner_uid) const {
  std::lock_guard lock(mu_);
  auto it = by_owner_.find(owner_uid);
  if (it == by_owner_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

bool DependentIndex::HasDependents(const std::string& owner_uid) const {
  std::lock_guard lock(mu_);
  return by_owner_.count(owner_uid) > 0;
}

}  // namespace berth::gc
