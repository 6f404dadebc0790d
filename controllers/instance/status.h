// The status of an Instance from what one reconcile observed: phase, the
// Ready / Routed / Configured / Degraded conditions (each with
// observedGeneration) and the reported fields. Pure.
//
// Degraded is True, with the first problem's reason and every problem in the
// message, when the container is failing (Docker restarting it after a crash:
// ContainerFailing; failing its health check: Unhealthy), nginx refused its
// route (RouteRejected, nginx's message) or its Provider cannot be rendered
// (ProviderNotConfigured); False (AsExpected) otherwise.
#pragma once

#include <chrono>
#include <string>

#include "operator/api/object.h"

namespace berth::instance {

enum class RouteState {
  kUnknown,      // not tried (no container yet, or the Instance cannot run)
  kWaiting,      // the container is not ready: no route (yet)
  kRouted,       // the file is in place and nginx serves it
  kRejected,     // nginx -t refused it; previous configuration kept
  kUnavailable,  // the router container is not running, or exec failed
};

struct Observation {
  int64_t generation = 0;
  std::string url, host, container_id, container_name, data_dir, router_file;
  std::string config_hash;  // of the config file now in place ("" without a provider)
  // Set when the Instance cannot run as specified (Failed) ...
  std::string failed_reason, failed_message;
  // ... or cannot run yet (Pending): Stack, router network, Secret, suspended.
  std::string pending_reason, pending_message;
  bool running = false;
  std::string health;  // Docker's: "", starting, healthy, unhealthy
  // Docker is restarting the container after its process exited (a crash
  // loop under the restart policy); exit_code is the last exit's.
  bool restarting = false;
  int exit_code = 0;
  // Provider config: ok=false when spec.provider is set but cannot be rendered.
  std::string provider;  // spec.provider
  bool configured = true;
  std::string config_message;
  RouteState route = RouteState::kUnknown;
  std::string route_message;
  // SHA-256 of the server block nginx -t refused (kRejected), so the same
  // block is not written and tested again until it changes.
  std::string rejected_route_hash;
};

// The status to write, given the previous one (for lastTransitionTime).
api::Json BuildStatus(const api::Json& previous, const Observation& o,
                      std::chrono::system_clock::time_point now);

// "Ready" when the container runs, is healthy (or has no health check), is
// routed and configured.
bool IsReady(const Observation& o);

}  // namespace berth::instance
