// Planning: given a Stack's desired state and what Docker runs for it now,
// decide the next wave of actions and each service's phase. Pure and
// level-based: the same inputs always give the same plan; nothing here
// depends on how the observed state came about.
//
// A service is created or started only when every dependsOn condition holds
// on the dependency's up-to-date container (healthy / completed / started),
// so dependencies always come first. A job runs once per spec hash; a failed
// job is retried with exponential backoff and blocks its dependents.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"

namespace berth::stack {

struct ObservedContainer {
  std::string id;
  std::string name;
  std::string service;  // berth.dev/service label
  std::string hash;     // berth.dev/spec-hash label
  std::string state;    // created | running | restarting | exited | dead | paused | removing
  std::string health;   // "" | starting | healthy | unhealthy
  int exit_code = 0;
  std::chrono::system_clock::time_point started_at{};
  std::chrono::system_clock::time_point finished_at{};
  int restart_count = 0;
  std::set<std::string> networks;  // Docker network names it is attached to
};

struct ObservedNetwork {
  std::string id;
  std::string name;
  bool internal = false;
};

struct Observed {
  std::vector<ObservedContainer> containers;        // every container the Stack owns
  std::map<std::string, ObservedNetwork> networks;  // owned networks by key
  std::vector<ObservedNetwork> stray_networks;      // owned networks no key declares
  std::set<std::string> external_networks;          // external network names that exist
  std::set<std::string> volumes;                    // Docker volume names that exist
  std::set<std::string> external_volumes_missing;   // declared external volumes not found
};

// What the previous status recorded for a service (status.services.<name>).
struct PreviousService {
  std::string phase;
  std::string hash;
  std::string container_id;
  int attempts = 0;     // runs of a job for `hash`
  int crash_count = 0;  // fast consecutive exits of a service
  std::string last_error;
  // The container exit the counts above already include (status finishedAt).
  std::chrono::system_clock::time_point finished_at{};
};

struct PlanInput {
  StackSpec spec;
  std::map<std::string, std::string> desired_hash;   // effective hash per renderable service
  std::map<std::string, std::string> render_errors;  // service -> why it cannot be rendered
  std::map<std::string, std::string> network_names;  // key -> Docker name
  std::map<std::string, std::string> volume_names;   // key -> Docker name
  Observed observed;
  std::map<std::string, PreviousService> previous;
  std::chrono::system_clock::time_point now{};
};

struct Action {
  enum class Type {
    kCreateNetwork,    // key
    kRemoveNetwork,    // network id (owned)
    kCreateVolume,     // key
    kRemoveContainer,  // container id (owned)
    kCreateContainer,  // service: remove `remove_first`, create, start
    kStartContainer,   // service, container id
    kConnectNetwork,   // service, container id, network key
  };
  Type type;
  std::string service;
  std::string key;                        // network/volume key
  std::string id;                         // container or network id
  std::vector<std::string> remove_first;  // container ids to remove before creating
  std::string reason;                     // for the Event: why this action
};

struct ServicePlan {
  std::string phase;  // Pending Waiting Starting Running Healthy Completed Failed
  std::string message;
  std::string container_id;
  std::string container_name;
  std::string health;
  std::string hash;  // desired
  int exit_code = 0;
  int attempts = 0;
  int crash_count = 0;
  std::chrono::system_clock::time_point started_at{};
  std::chrono::system_clock::time_point finished_at{};
  int restart_count = 0;
  bool ready = false;       // in its desired end state
  bool degraded = false;    // failing, unhealthy or blocked by an error
  bool fetch_logs = false;  // a failed job whose log tail is not in status yet
  std::vector<Action> actions;
};

struct Plan {
  std::vector<Action> infra;    // networks and volumes, run before service actions
  std::vector<Action> cleanup;  // stray containers and networks, run after
  std::map<std::string, ServicePlan> services;
  std::vector<std::string> order;     // topological
  std::vector<std::string> problems;  // Degraded reasons not tied to one service
  std::optional<std::chrono::milliseconds> requeue_after;
  int ready_count = 0;
  bool ready = false;
  bool progressing = false;
  bool degraded = false;
};

Plan MakePlan(const PlanInput& in);

// Backoff before the n-th retry of a failed job (n >= 1): 5s, 10s, 20s ... 5m.
std::chrono::milliseconds JobBackoff(int attempts);
// Backoff before restarting a service that exited fast for the n-th time in a row.
std::chrono::milliseconds CrashBackoff(int crash_count);

}  // namespace berth::stack
