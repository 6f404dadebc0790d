#include "controllers/gc/collector.h"

#include <algorithm>

#include "operator/common/log.h"

namespace berth::gc {
namespace {

using runtime::ReconcileResult;

// A Foreground owner whose dependents the informers have not seen yet (they
// lag behind the registry) looks again after this long.
constexpr std::chrono::seconds kLaggingCacheRetry{1};

bool OwnedBy(const api::Object& obj, const std::string& uid) {
  for (const OwnerRef& r : OwnerRefsOf(obj)) {
    if (r.uid == uid) return true;
  }
  return false;
}

}  // namespace

bool DeletingDependents(const api::Object& obj) {
  return obj.being_deleted() && obj.HasFinalizer(registry::kForegroundDeletion);
}

GarbageCollector::GarbageCollector(registry::Registry& registry) : registry_(registry) {}

void GarbageCollector::Enqueue(const api::ObjectRef& ref) {
  if (queue_ != nullptr) queue_->Enqueue(ref);
}

Result<ReconcileResult> GarbageCollector::Reconcile(const runtime::Request& request) {
  const api::ObjectRef& ref = request.ref;
  auto obj = registry_.Get(ref.kind, ref.ns, ref.name);
  if (!obj.ok()) {
    if (obj.status().code() == Code::kNotFound) return ReconcileResult{};
    return obj.status();
  }
  if (DeletingDependents(*obj)) return FinishForeground(*obj);
  if (obj->being_deleted()) return ReconcileResult{};  // its own finalizers decide
  return CollectDependent(*obj);
}

Result<ReconcileResult> GarbageCollector::FinishForeground(const api::Object& owner) {
  const api::KindInfo* kind = registry_.catalog().Find(owner.kind());
  bool namespaced = kind == nullptr || kind->namespaced;
  std::vector<api::ObjectRef> deps;
  for (api::ObjectRef& d : index_.DependentsOf(owner.uid())) {
    // A namespaced owner's dependents live in its namespace; a reference
    // from elsewhere names an absent owner and is collected as dangling.
    if (!namespaced || d.ns == owner.ns()) deps.push_back(std::move(d));
  }
  bool from_cache = !deps.empty();
  if (deps.empty()) {
    BERTH_ASSIGN_OR_RETURN(deps, ListDependents(owner));
  }
  if (!deps.empty()) {
    // Each is deleted by its own reconcile (its owner waits); each deletion
    // requeues this owner through the informers.
    for (const auto& d : deps) Enqueue(d);
    if (from_cache) return ReconcileResult{};
    return ReconcileResult{.requeue_after = kLaggingCacheRetry};
  }
  std::string uid = owner.uid();
  auto done = registry_.Mutate(owner.kind(), owner.ns(), owner.name(), [&](api::Object& o) {
    if (o.uid() != uid) return Status::NotFound("replaced by another object");
    o.RemoveFinalizer(registry::kForegroundDeletion);
    return Status::Ok();
  });
  if (!done.ok() && done.status().code() != Code::kNotFound) return done.status();
  spdlog::info("garbage collector: {} has no dependents left; foreground deletion done",
               owner.ref().ToString());
  return ReconcileResult{};
}

Result<ReconcileResult> GarbageCollector::CollectDependent(const api::Object& obj) {
  std::vector<OwnerRef> refs = OwnerRefsOf(obj);
  if (refs.empty()) return ReconcileResult{};
  std::vector<OwnerState> states;
  for (const OwnerRef& r : refs) {
    BERTH_ASSIGN_OR_RETURN(OwnerState s, StateOf(obj, r));
    states.push_back(s);
  }
  Verdict v = Decide(refs, states, index_.HasDependents(obj.uid()));
  const std::string uid = obj.uid();
  switch (v.action) {
    case Verdict::kKeep: return ReconcileResult{};
    case Verdict::kRemoveRefs: {
      auto r = registry_.Mutate(obj.kind(), obj.ns(), obj.name(), [&](api::Object& o) {
        if (o.uid() != uid) return Status::NotFound("replaced by another object");
        api::Json& meta = o.mutable_metadata();
        auto refs_it = meta.find("ownerReferences");
        if (refs_it == meta.end() || !refs_it->is_array()) return Status::Ok();
        api::Json kept = api::Json::array();
        for (const api::Json& ref : *refs_it) {
          auto u = ref.is_object() ? ref.find("uid") : ref.end();
          std::string ref_uid = u != ref.end() && u->is_string() ? u->get<std::string>() : "";
          if (std::find(v.remove_uids.begin(), v.remove_uids.end(), ref_uid) ==
              v.remove_uids.end()) {
            kept.push_back(ref);
          }
        }
        if (kept.empty()) {
          meta.erase("ownerReferences");
        } else {
          *refs_it = std::move(kept);
        }
        return Status::Ok();
      });
      if (!r.ok() && r.status().code() != Code::kNotFound) return r.status();
      spdlog::info(
          "garbage collector: {} keeps a live owner; removed {} reference(s) to "
          "owners that are gone or going",
          obj.ref().ToString(), v.remove_uids.size());
      return ReconcileResult{};
    }
    case Verdict::kDelete: {
      registry::DeleteOptions opts;
      opts.propagation_policy = v.propagation_policy;
      opts.precondition_uid = uid;
      auto r = registry_.Delete(obj.kind(), obj.ns(), obj.name(), opts);
      if (!r.ok()) {
        // Gone, or replaced by a new object of that name (uid precondition):
        // nothing left to do for this one.
        if (r.status().code() == Code::kNotFound || r.status().code() == Code::kConflict) {
          return ReconcileResult{};
        }
        return r.status();
      }
      spdlog::info("garbage collector: deleted {} ({}): its owners are gone or being deleted",
                   obj.ref().ToString(), v.propagation_policy);
      return ReconcileResult{};
    }
  }
  return ReconcileResult{};
}

Result<OwnerState> GarbageCollector::StateOf(const api::Object& dependent, const OwnerRef& ref) {
  if (!IsBerthRef(ref)) return OwnerState::kSolid;  // not ours to look up
  const api::KindInfo* kind = registry_.catalog().Find(ref.kind);
  if (kind == nullptr || kind->kind != ref.kind) return OwnerState::kSolid;
  // A cluster-scoped object cannot name a namespaced owner; we cannot tell.
  if (kind->namespaced && dependent.ns().empty()) return OwnerState::kSolid;
  auto owner = registry_.Get(kind->kind, kind->namespaced ? dependent.ns() : "", ref.name);
  if (!owner.ok()) {
    if (owner.status().code() == Code::kNotFound) return OwnerState::kDangling;
    return owner.status();
  }
  if (owner->uid() != ref.uid) return OwnerState::kDangling;
  if (DeletingDependents(*owner)) return OwnerState::kWaiting;
  return OwnerState::kSolid;
}

Result<std::vector<api::ObjectRef>> GarbageCollector::ListDependents(const api::Object& owner) {
  const api::KindInfo* owner_kind = registry_.catalog().Find(owner.kind());
  std::string ns = owner_kind != nullptr && owner_kind->namespaced ? owner.ns() : "";
  std::vector<api::ObjectRef> out;
  for (const api::KindInfo& k : registry_.catalog().kinds()) {
    if (!ns.empty() && !k.namespaced) continue;  // cluster-scoped objects have no namespaced owner
    BERTH_ASSIGN_OR_RETURN(registry::ObjectList list, registry_.List(k.kind, ns));
    for (const api::Object& o : list.items) {
      if (OwnedBy(o, owner.uid())) out.push_back(o.ref());
    }
  }
  return out;
}

}  // namespace berth::gc
