// Registers the Instance controller and the router resync with a Manager.
//
// Informers: Instances (their own key; status-only writes ignored), Stacks (a
// change requeues the Stack's Instances and its router resync), Providers and
// Secrets (a change requeues, after a short debounce, the Instances using
// them: spec.provider, the Provider's key Secret, env references). Docker
// events of containers labelled Instance/<ns>/<name> requeue that Instance.
#pragma once

#include <chrono>
#include <memory>

#include "controllers/common/docker_events.h"
#include "controllers/instance/reconciler.h"
#include "controllers/instance/router_sync.h"
#include "operator/runtime/manager.h"

namespace berth::instance {

struct InstanceControllerSetup {
  registry::Registry* registry = nullptr;
  docker::DockerClient* docker = nullptr;
  runtime::EventRecorder* recorder = nullptr;
  controllers::DockerEvents* docker_events = nullptr;  // may be null
  FileSystem* fs = nullptr;
  Clock* clock = nullptr;
  InstanceControllerOptions options;
  int workers = 8;
  std::chrono::milliseconds resync_period = std::chrono::minutes(5);  // informers; 0: never
};

// The pieces the Manager does not own: the router files and nginx runner the
// two reconcilers share. Keep it alive as long as `manager`.
struct InstanceController {
  std::unique_ptr<router::Nginx> nginx;
  std::unique_ptr<router::RouterFiles> router_files;
  runtime::Controller* instances = nullptr;
  runtime::Controller* routers = nullptr;
};

// Everything referenced by `setup` must outlive `manager`.
std::unique_ptr<InstanceController> AddInstanceController(runtime::Manager& manager,
                                                          const InstanceControllerSetup& setup);

// True when the Instance uses the Provider `name` (spec.provider or an env
// providerRef) / the Secret `name` (an env secretRef).
bool UsesProvider(const api::Object& inst, const std::string& name);
bool UsesSecret(const api::Object& inst, const std::string& name);

}  // namespace berth::instance
