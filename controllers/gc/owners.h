// Ownership as the garbage collector reads it: an object's ownerReferences,
// the state of each owner, and what to do about the object. Pure functions,
// after Kubernetes' garbage collector (attemptToDeleteItem).
#pragma once

#include <string>
#include <vector>

#include "operator/api/object.h"

namespace berth::gc {

struct OwnerRef {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
};

// The ownerReferences of `obj` that name a kind, a name and a uid (the
// others identify nothing and are ignored), in order.
std::vector<OwnerRef> OwnerRefsOf(const api::Object& obj);

// True when `ref` names a berth kind (apiVersion berth.dev/…, or none): only
// those owners can be looked up.
bool IsBerthRef(const OwnerRef& ref);

enum class OwnerState {
  kSolid,     // exists and is not waiting for its dependents, or cannot be checked
  kDangling,  // gone, or its name now belongs to another object (another uid)
  kWaiting,   // being deleted in the foreground: waits for its dependents to go
};

struct Verdict {
  enum Action { kKeep, kRemoveRefs, kDelete };
  Action action = kKeep;
  std::vector<std::string> remove_uids;  // kRemoveRefs: the references to drop
  std::string propagation_policy;        // kDelete: "Background" or "Foreground"
};

// What to do about an object (not being deleted) whose owners `refs` are in
// `states` (same order): with at least one solid owner it stays and loses
// the references to dangling and waiting owners; without one it is deleted —
// in the foreground when an owner waits and it has dependents itself (so the
// owner keeps waiting for those too), else in the background.
Verdict Decide(const std::vector<OwnerRef>& refs, const std::vector<OwnerState>& states,
               bool has_dependents);

}  // namespace berth::gc
