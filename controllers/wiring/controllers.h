// The controllers of `berth serve`, wired together: the Docker client, the
// event recorder, the Manager (leader election on the store), every
// controller and its admission checks, the garbage collector (its own lease), the Docker event
// source, the Stack log source and the Docker readiness check of the API server.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "operator/apiserver/server.h"
#include "operator/registry/registry.h"
#include "operator/store/store.h"

namespace berth::controllers {

struct ControllersConfig {
  std::string data_dir;
  std::string docker_endpoint = "unix:///var/run/docker.sock";
  std::string identity;  // leader-election identity; generated when empty
  bool leader_elect = true;
  bool run_controllers = true;  // false: admission checks only (API-only server)
  int workers = 4;
  // Instances and the provisioning API (/provision/v1/).
  std::string provision_namespace = "default";
  std::string provision_template;              // "<stack>/<template>"; "" = the only one there is
  int instance_quota = 0;                      // Instances per namespace; 0 = unlimited
  std::map<std::string, int> instance_quotas;  // per-namespace overrides of instance_quota
  int instance_workers = 8;
  std::chrono::milliseconds resync_period = std::chrono::minutes(5);  // informers; 0: never
  // Called (from a background thread) when the controllers failed to start
  // for good: serve should shut down and exit non-zero. A lost leader lock is
  // not fatal: the controllers stop, and the process campaigns again.
  std::function<void(const Status&)> on_fatal;
};

class Controllers {
 public:
  virtual ~Controllers() = default;
  // Stops the controllers and releases the leader lock. Idempotent.
  virtual void Stop() = 0;
  // True while this process holds the leader lock and reconciles.
  virtual bool leading() const = 0;
};

// Registers admission checks on `registry`, starts the garbage collector
// (controllers/gc; always, it needs no Docker) and (unless !run_controllers)
// starts the controllers in the background: they begin reconciling once this
// process holds the leader lock, stop when it loses the lock (e.g. the store
// was unreachable past the renew deadline) and start again once it holds the
// lock again; the API serves throughout. `registry`, `store` and `server` must
// outlive the result. Call before the API server starts.
Result<std::unique_ptr<Controllers>> StartControllers(registry::Registry& registry,
                                                      store::Store& store,
                                                      apiserver::Server& server,
                                                      const ControllersConfig& config);

}  // namespace berth::controllers
