// DependentIndex: which objects name which owner uid in their
// ownerReferences, as the garbage collector's informers last saw them. It
// only says where to look; every decision re-reads the registry.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "operator/api/object.h"

namespace berth::gc {

class DependentIndex {
 public:
  // Records `obj`'s owner uids, replacing what was recorded for it.
  void Set(const api::Object& obj);
  void Remove(const api::Object& obj);
  // The objects whose ownerReferences name `owner_uid`, sorted.
  std::vector<api::ObjectRef> DependentsOf(const std::string& owner_uid) const;
  bool HasDependents(const std::string& owner_uid) const;

 private:
  void RemoveLocked(const api::ObjectRef& ref);

  mutable std::mutex mu_;
  std::map<std::string, std::set<api::ObjectRef>> by_owner_;      // owner uid -> dependents
  std::map<api::ObjectRef, std::vector<std::string>> owners_of_;  // dependent -> owner uids
};

}  // namespace berth::gc
