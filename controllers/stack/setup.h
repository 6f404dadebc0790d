// Registers the Stack controller with a Manager: informers for Stacks (self),
// Secrets and Providers (a change requeues the Stacks in that namespace that
// reference it), the controller, and Stack ownership with DockerEvents.
#pragma once

#include "controllers/common/docker_events.h"
#include "controllers/stack/reconciler.h"
#include "operator/runtime/manager.h"

namespace berth::stack {

struct StackControllerSetup {
  registry::Registry* registry = nullptr;
  docker::DockerClient* docker = nullptr;
  runtime::EventRecorder* recorder = nullptr;
  controllers::DockerEvents* docker_events = nullptr;
  FileSystem* fs = nullptr;
  Clock* clock = nullptr;
  ConfigRenderer* renderer = nullptr;
  StackControllerOptions options;
  int workers = 4;
  std::chrono::milliseconds resync_period = std::chrono::minutes(5);  // informers; 0: never
};

// Everything referenced must outlive `manager`. Returns the reconciler (owned
// by the manager) and its controller, e.g. for other controllers to requeue.
struct StackController {
  StackReconciler* reconciler = nullptr;
  runtime::Controller* controller = nullptr;
};
StackController AddStackController(runtime::Manager& manager, const StackControllerSetup& setup);

// True when the Stack spec references the Secret / Provider `name` (env refs;
// imagePullSecrets count for Secrets, provider-rendered configs for Providers).
bool ReferencesSecret(const api::Object& stack, const std::string& name);
bool ReferencesProvider(const api::Object& stack, const std::string& name);

}  // namespace berth::stack
