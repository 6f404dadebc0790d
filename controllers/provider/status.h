// The Provider status controller: keeps each Provider's status up to date.
//  - Ready: True when its API key Secret exists and holds the key (reason
//    KeyFound), or for a vllm Provider without one (NoKeyNeeded); False
//    (SecretNotFound / KeyNotFound / KeyInvalid) otherwise, the message naming
//    the Secret and key, never a value.
//  - consumers: "Kind/namespace/name" of every Stack that uses it (env
//    providerRef, configFiles render) and every Instance whose spec.provider
//    names it, sorted.
// Watches Providers, Secrets (requeues the Providers of the namespace naming
// it), Stacks and Instances (requeue the namespace's Providers). Writes only
// the Provider's status, and only when it changed. Thread-safe.
#pragma once

#include <chrono>

#include "operator/common/clock.h"
#include "operator/registry/registry.h"
#include "operator/runtime/manager.h"
#include "operator/runtime/reconciler.h"

namespace berth::provider {

class ProviderStatusReconciler final : public runtime::Reconciler {
 public:
  ProviderStatusReconciler(registry::Registry& registry, Clock& clock)
      : registry_(registry), clock_(clock) {}
  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request) override;

  // The consumers of Provider `name` in `ns` (see above). Exposed for tests.
  Result<std::vector<std::string>> Consumers(const std::string& ns, const std::string& name);

 private:
  registry::Registry& registry_;
  Clock& clock_;
};

// Registers the controller and its informers (resynced every `resync_period`;
// 0: never) with `manager`. `registry` and `clock` must outlive it.
runtime::Controller& AddProviderController(
    runtime::Manager& manager, registry::Registry& registry, Clock& clock, int workers = 2,
    std::chrono::milliseconds resync_period = std::chrono::minutes(5));

}  // namespace berth::provider
