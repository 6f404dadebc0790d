// GarbageCollector: the reconciler of the "garbage-collector" controller,
// after Kubernetes' garbage collector. Keys are objects of any kind.
//
// - An object being deleted in the foreground (deletionTimestamp and the
//   finalizer foregroundDeletion) has its dependents queued; once the
//   registry holds none (a dependent held by its own finalizer still
//   counts), the finalizer is removed, which deletes the object unless
//   another finalizer holds it.
// - An object with ownerReferences has each berth owner looked up in the
//   registry (never in a cache: a lagging cache must not delete anything)
//   and Decide (owners.h) applied: an object whose owners are all gone or
//   waiting is deleted (uid precondition), one with a live owner only loses
//   the references to the others.
//
// Level-triggered and idempotent: several collectors on one store may race
// without harm (deletes carry a uid precondition, a gone object is done).
#pragma once

#include <string>
#include <vector>

#include "controllers/gc/index.h"
#include "controllers/gc/owners.h"
#include "operator/registry/registry.h"
#include "operator/runtime/controller.h"
#include "operator/runtime/reconciler.h"

namespace berth::gc {

class GarbageCollector final : public runtime::Reconciler {
 public:
  // `registry` must outlive the collector.
  explicit GarbageCollector(registry::Registry& registry);

  // Where dependents and owners are queued; set before the controller starts.
  void set_queue(runtime::Controller* queue) { queue_ = queue; }
  // Fed by the informers' handlers (setup.h).
  DependentIndex& index() { return index_; }

  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request) override;

 private:
  Result<runtime::ReconcileResult> FinishForeground(const api::Object& owner);
  Result<runtime::ReconcileResult> CollectDependent(const api::Object& obj);
  Result<OwnerState> StateOf(const api::Object& dependent, const OwnerRef& ref);
  // The dependents of `owner` as the registry holds them now: objects of
  // its namespace (every namespace for a cluster-scoped owner) naming its uid.
  Result<std::vector<api::ObjectRef>> ListDependents(const api::Object& owner);
  void Enqueue(const api::ObjectRef& ref);

  registry::Registry& registry_;
  runtime::Controller* queue_ = nullptr;
  DependentIndex index_;
};

// True for an object being deleted in the foreground.
bool DeletingDependents(const api::Object& obj);

}  // namespace berth::gc
