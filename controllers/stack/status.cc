#include "controllers/stack/status.h"

#include <algorithm>

#include "operator/api/meta.h"
#include "operator/common/time_format.h"

namespace berth::stack {
namespace {

using api::Json;
using Clock = std::chrono::system_clock;

std::string Time(Clock::time_point t) {
  return t == Clock::time_point{} ? "" : FormatRfc3339(t);
}

Json ServiceStatus(const std::string& name, const ServiceSpec& svc, const ServicePlan& sp,
                   const WaveResult& wave, const Json& prev) {
  Json s = Json::object();
  std::string phase = sp.phase;
  std::string last_error;
  if (auto e = wave.errors.find(name); e != wave.errors.end()) {
    phase = "Failed";
    last_error = e->second;
  } else if (auto l = wave.job_logs.find(name); l != wave.job_logs.end()) {
    last_error = "exit code " + std::to_string(sp.exit_code) + "; last log lines:\n" + l->second;
  } else if (phase == "Failed" && prev.is_object() &&
             prev.value("containerID", "") == sp.container_id) {
    last_error = prev.value("lastError", "");
  }
  s["phase"] = phase.empty() ? "Pending" : phase;
  if (!sp.message.empty()) s["message"] = sp.message;
  if (!sp.container_id.empty()) s["containerID"] = sp.container_id;
  if (!sp.container_name.empty()) s["containerName"] = sp.container_name;
  s["image"] = svc.image;
  if (!sp.health.empty()) s["health"] = sp.health;
  s["restartCount"] = sp.restart_count;
  if (sp.finished_at != Clock::time_point{} && sp.phase != "Running" && sp.phase != "Healthy") {
    s["exitCode"] = sp.exit_code;
  }
  if (!last_error.empty()) s["lastError"] = last_error;
  if (!sp.hash.empty()) s["specHash"] = sp.hash;
  if (std::string t = Time(sp.started_at); !t.empty()) s["startedAt"] = t;
  if (std::string t = Time(sp.finished_at); !t.empty()) s["finishedAt"] = t;
  if (svc.kind == ServiceKind::kJob && sp.attempts > 0) s["attempts"] = sp.attempts;
  if (sp.crash_count > 0) s["crashCount"] = sp.crash_count;
  return s;
}

}  // namespace

Json BuildStatus(const StatusInput& in) {
  const Plan& plan = *in.plan;
  const WaveResult& wave = *in.wave;
  Json status = in.previous.is_object() ? in.previous : Json::object();
  Json prev_services = status.value("services", Json::object());

  Json services = Json::object();
  std::vector<std::string> failed, unhealthy, waiting, failed_jobs;
  bool job_failed = false, job_retrying = false;
  for (const std::string& name : plan.order) {
    auto sp = plan.services.find(name);
    if (sp == plan.services.end()) continue;
    Json prev = prev_services.contains(name) ? prev_services[name] : Json();
    const ServiceSpec& svc = in.spec->services.at(name);
    Json s = ServiceStatus(name, svc, sp->second, wave, prev);
    std::string phase = s["phase"];
    bool is_job = svc.kind == ServiceKind::kJob;
    if (is_job && phase == "Failed" && !wave.errors.count(name) && sp->second.exit_code != 0) {
      // When this wave starts the retry, attempts already counts it.
      bool retry_now =
          std::any_of(sp->second.actions.begin(), sp->second.actions.end(),
                      [](const Action& a) { return a.type == Action::Type::kCreateContainer; });
      failed_jobs.push_back("job " + name + " failed (attempt " +
                            std::to_string(sp->second.attempts - (retry_now ? 1 : 0)) +
                            "): " + s.value("lastError", sp->second.message));
    } else if (is_job && (phase == "Starting" || phase == "Running") && sp->second.attempts > 1 &&
               prev.is_object() && prev.value("specHash", "") == sp->second.hash) {
      job_retrying = true;  // a retry of a failed run of the same spec, not finished yet
    }
    if (phase == "Failed" || (phase == "Pending" && sp->second.degraded)) {
      failed.push_back(name + ": " + s.value("lastError", s.value("message", phase)));
      job_failed |= is_job;
    } else if (sp->second.health == "unhealthy") {
      unhealthy.push_back(name);
    } else if (!sp->second.ready) {
      waiting.push_back(name + (sp->second.message.empty() ? "" : " (" + sp->second.message + ")"));
    }
    services[name] = std::move(s);
  }
  status["services"] = services;
  Json networks = Json::object();
  for (const auto& [key, name] : in.network_names) {
    Json n = {{"dockerName", name}};
    if (auto id = in.network_ids.find(key); id != in.network_ids.end()) n["id"] = id->second;
    networks[key] = n;
  }
  status["networks"] = networks;
  status["observedGeneration"] = in.generation;
  int total = static_cast<int>(in.spec->services.size());
  int ready_count = plan.ready_count;
  for (const auto& [name, err] : wave.errors) {
    if (plan.services.count(name) && plan.services.at(name).ready) --ready_count;
  }
  status["ready"] = std::to_string(ready_count) + "/" + std::to_string(total);

  std::vector<std::string> problems = plan.problems;
  problems.insert(problems.end(), wave.problems.begin(), wave.problems.end());
  bool ready = plan.ready && wave.errors.empty() && wave.problems.empty();
  bool degraded = !problems.empty() || !failed.empty() || !unhealthy.empty();
  bool progressing = plan.progressing || !wave.errors.empty();

  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
    return out;
  };
  api::SetCondition(
      status,
      {"Ready", ready ? "True" : "False",
       ready ? "AllServicesReady" : (in.deleting ? "Deleting" : "ServicesNotReady"),
       ready ? std::to_string(total) + " services ready" : join(waiting.empty() ? failed : waiting),
       in.generation},
      in.now);
  api::SetCondition(
      status,
      {"Progressing", progressing ? "True" : "False", progressing ? "Reconciling" : "Stable",
       progressing ? "waiting for: " + join(waiting) : "", in.generation},
      in.now);
  std::string reason = !problems.empty()    ? "InfrastructureProblem"
                       : job_failed         ? "JobFailed"
                       : !failed.empty()    ? "ServiceFailed"
                       : !unhealthy.empty() ? "ServiceUnhealthy"
                                            : "AsExpected";
  std::vector<std::string> why = problems;
  why.insert(why.end(), failed.begin(), failed.end());
  for (const auto& u : unhealthy) why.push_back(u + " is unhealthy");
  api::SetCondition(
      status, {"Degraded", degraded ? "True" : "False", reason, join(why), in.generation}, in.now);
  // Failed: a job's last run for its current spec exited non-zero. It stays
  // True while that job is retried (and a retry runs) and turns False when the
  // job completes or its spec changes.
  const Json* was_failed = api::FindCondition(in.previous, "Failed");
  if (!failed_jobs.empty()) {
    api::SetCondition(status, {"Failed", "True", "JobFailed", join(failed_jobs), in.generation},
                      in.now);
  } else if (job_retrying && was_failed && was_failed->value("status", "") == "True") {
    api::SetCondition(status,
                      {"Failed", "True", was_failed->value("reason", "JobFailed"),
                       was_failed->value("message", ""), in.generation},
                      in.now);
  } else {
    api::SetCondition(status, {"Failed", "False", "NoJobFailed", "", in.generation}, in.now);
  }
  status["phase"] = in.deleting   ? "Deleting"
                    : ready       ? "Ready"
                    : degraded    ? "Degraded"
                    : progressing ? "Progressing"
                                  : "Pending";
  return status;
}

std::map<std::string, PreviousService> PreviousServices(const Json& status) {
  std::map<std::string, PreviousService> out;
  if (!status.is_object() || !status.contains("services") || !status["services"].is_object()) {
    return out;
  }
  for (const auto& [name, s] : status["services"].items()) {
    if (!s.is_object()) continue;
    PreviousService p;
    p.phase = s.value("phase", "");
    p.hash = s.value("specHash", "");
    p.container_id = s.value("containerID", "");
    p.attempts = s.value("attempts", 0);
    p.crash_count = s.value("crashCount", 0);
    p.last_error = s.value("lastError", "");
    if (auto t = ParseRfc3339(s.value("finishedAt", ""))) p.finished_at = *t;
    out[name] = p;
  }
  return out;
}

}  // namespace berth::stack
