// The Stack status berth writes after each reconcile: per-service phase,
// container, health, restarts, errors; conditions Ready, Progressing,
// Degraded and Failed (a job's last run exited non-zero: its exit code and
// log tail) with observedGeneration. Pure.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "controllers/stack/plan.h"
#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"

namespace berth::stack {

// What carrying out a plan produced.
struct WaveResult {
  std::map<std::string, std::string> errors;    // service -> error of this wave
  std::vector<std::string> problems;            // Stack-level errors (networks, volumes)
  std::map<std::string, std::string> job_logs;  // failed job -> scrubbed log tail
};

struct StatusInput {
  int64_t generation = 0;
  bool deleting = false;
  const StackSpec* spec = nullptr;
  const Plan* plan = nullptr;
  const WaveResult* wave = nullptr;
  std::map<std::string, std::string> network_ids;    // key -> Docker id
  std::map<std::string, std::string> network_names;  // key -> Docker name
  api::Json previous;                                // the status before this reconcile
  std::chrono::system_clock::time_point now{};
};

api::Json BuildStatus(const StatusInput& in);

// Reads status.services into the planner's memory of each service.
std::map<std::string, PreviousService> PreviousServices(const api::Json& status);

}  // namespace berth::stack
