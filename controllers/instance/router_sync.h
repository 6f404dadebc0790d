// RouterSync: keeps each Stack router's conf.d directory in step with the
// Instances that exist, keyed by Stack.
//
// On every reconcile of a Stack with a router whose nginx runs: the first
// time since berth started, `nginx -t` and a reload (what is on disk is then
// what nginx serves, even after a crash between a write and a reload); every
// time, route files named like berth's (<ns>-<slug>.conf, starting with
// berth's marker line) for Instances that no longer exist are removed, then
// nginx is checked and reloaded. Other files are never touched. The Stack
// informer's periodic resync and Instance deletions bring each Stack here.
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "controllers/instance/template.h"
#include "controllers/router/router_files.h"
#include "operator/docker/docker_client.h"
#include "operator/registry/registry.h"
#include "operator/runtime/events.h"
#include "operator/runtime/reconciler.h"

namespace berth::instance {

// The id of the running container of `service` in Stack `stack` (by berth's
// labels), or nullopt when none runs.
Result<std::optional<std::string>> FindRouterContainer(docker::DockerClient& docker,
                                                       const api::ObjectRef& stack,
                                                       const std::string& service);

router::RouterTarget MakeTarget(const api::ObjectRef& stack, const RouterInfo& router,
                                const std::string& container);

class RouterSyncReconciler : public runtime::Reconciler {
 public:
  // Every collaborator must outlive the reconciler.
  RouterSyncReconciler(registry::Registry& registry, docker::DockerClient& docker,
                       runtime::EventRecorder& events, router::RouterFiles& files,
                       std::string data_dir);

  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request) override;

 private:
  registry::Registry& registry_;
  docker::DockerClient& docker_;
  runtime::EventRecorder& events_;
  router::RouterFiles& files_;
  std::string data_dir_;
  std::mutex mu_;
  std::set<std::string> reloaded_;  // router container ids reloaded since start
};

}  // namespace berth::instance
