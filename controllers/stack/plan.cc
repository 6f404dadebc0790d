#include "controllers/stack/plan.h"

#include <algorithm>

#include "controllers/stack/compose.h"
#include "controllers/stack/graph.h"

namespace berth::stack {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

constexpr seconds kFastExit{10};             // an exit this soon after start counts as a crash
constexpr milliseconds kPollStarting{2000};  // while containers start (events usually wake sooner)
constexpr milliseconds kPollWaiting{5000};

std::string CondName(DependCondition c) {
  switch (c) {
    case DependCondition::kHealthy: return "healthy";
    case DependCondition::kCompleted: return "completed";
    case DependCondition::kStarted: return "started";
  }
  return "";
}

bool Satisfies(const ServicePlan& dep, DependCondition c) {
  switch (c) {
    case DependCondition::kHealthy: return dep.phase == "Healthy";
    case DependCondition::kCompleted: return dep.phase == "Completed";
    case DependCondition::kStarted:
      return dep.phase == "Starting" || dep.phase == "Running" || dep.phase == "Healthy" ||
             dep.phase == "Completed";
  }
  return false;
}

std::string Seconds(milliseconds d) {
  return std::to_string((d.count() + 999) / 1000) + "s";
}

void Requeue(Plan* plan, milliseconds d) {
  if (d < milliseconds(100)) d = milliseconds(100);
  if (!plan->requeue_after || d < *plan->requeue_after) plan->requeue_after = d;
}

// The container with the desired hash (preferring a running one), and the rest.
const ObservedContainer* PickCurrent(const std::vector<const ObservedContainer*>& all,
                                     const std::string& hash,
                                     std::vector<const ObservedContainer*>* stale) {
  const ObservedContainer* current = nullptr;
  for (const ObservedContainer* c : all) {
    if (c->hash == hash &&
        (current == nullptr || (c->state == "running" && current->state != "running"))) {
      current = c;
    }
  }
  for (const ObservedContainer* c : all) {
    if (c != current) stale->push_back(c);
  }
  return current;
}

Action Remove(const ObservedContainer* c, const std::string& service, const std::string& why) {
  return {Action::Type::kRemoveContainer, service, "", c->id, {}, why};
}

void FillFromContainer(ServicePlan& sp, const ObservedContainer* c) {
  sp.container_id = c->id;
  sp.container_name = c->name;
  sp.health = c->health;
  sp.exit_code = c->exit_code;
  sp.started_at = c->started_at;
  sp.finished_at = c->finished_at;
  sp.restart_count = c->restart_count;
}

void PlanService(const PlanInput& in, const ServiceSpec& svc, const PreviousService& prev,
                 const ObservedContainer* current,
                 const std::vector<const ObservedContainer*>& stale, bool deps_ok,
                 const std::string& wait_msg, const std::set<std::string>& nets_ready,
                 ServicePlan& sp, Plan* plan) {
  bool has_health = svc.healthcheck && svc.healthcheck->enabled();
  if (current == nullptr) {
    if (!deps_ok) {
      sp.phase = "Waiting";
      sp.message = wait_msg;
      return;
    }
    Action a{Action::Type::kCreateContainer, svc.name, "", "", {}, ""};
    for (const ObservedContainer* c : stale) a.remove_first.push_back(c->id);
    a.reason = !stale.empty()               ? "spec changed"
               : !prev.container_id.empty() ? "container missing"
                                            : "created";
    sp.actions.push_back(std::move(a));
    sp.phase = "Starting";
    sp.message = "creating container";
    return;
  }
  FillFromContainer(sp, current);
  for (const ObservedContainer* c : stale) sp.actions.push_back(Remove(c, svc.name, "superseded"));
  for (const std::string& key : svc.networks) {
    auto name = in.network_names.find(key);
    if (name != in.network_names.end() && nets_ready.count(key) &&
        !current->networks.count(name->second) && current->state == "running") {
      sp.actions.push_back(
          {Action::Type::kConnectNetwork, svc.name, key, current->id, {}, "network detached"});
    }
  }
  // Crash accounting: count each exit once, by its finish time.
  // Status keeps seconds; compare at that precision so one exit counts once.
  bool new_exit = current->finished_at != Clock::time_point{} &&
                  std::chrono::floor<seconds>(current->finished_at) !=
                      std::chrono::floor<seconds>(prev.finished_at);
  bool fast = current->finished_at - current->started_at < kFastExit;
  sp.crash_count = prev.crash_count;
  if (new_exit && current->state != "running") sp.crash_count = fast ? prev.crash_count + 1 : 0;
  if (current->state == "running" && in.now - current->started_at >= kFastExit) sp.crash_count = 0;

  if (current->state == "running") {
    if (!has_health || current->health == "healthy") {
      sp.phase = has_health ? "Healthy" : "Running";
      sp.ready = true;
    } else if (current->health == "unhealthy") {
      sp.phase = "Running";
      sp.message = "container is unhealthy";
      sp.degraded = true;
    } else {
      sp.phase = "Starting";
      sp.message = "waiting for the healthcheck";
    }
    return;
  }
  if (current->state == "restarting" || current->state == "removing") {
    sp.phase = "Starting";
    sp.message = current->state == "restarting"
                     ? "restarting after exit code " + std::to_string(current->exit_code)
                     : "being removed";
    return;
  }
  if (current->state == "paused") {
    sp.phase = "Running";
    sp.message = "container is paused";
    sp.degraded = true;
    return;
  }
  // created, exited or dead: it should run.
  if (!deps_ok) {
    sp.phase = "Waiting";
    sp.message = wait_msg;
    return;
  }
  if (current->state == "dead") {
    Action a{Action::Type::kCreateContainer, svc.name, "", "", {current->id}, "container dead"};
    sp.actions.push_back(std::move(a));
    sp.phase = "Starting";
    return;
  }
  milliseconds delay = current->state == "exited" && fast && sp.crash_count > 0
                           ? CrashBackoff(sp.crash_count)
                           : milliseconds(0);
  auto due = current->finished_at + delay;
  if (current->state == "created" || in.now >= due) {
    sp.actions.push_back({Action::Type::kStartContainer,
                          svc.name,
                          "",
                          current->id,
                          {},
                          current->state == "created" ? "created" : "container stopped"});
    sp.phase = "Starting";
    sp.message = "starting container";
  } else {
    auto left = std::chrono::duration_cast<milliseconds>(due - in.now);
    sp.phase = "Failed";
    sp.degraded = true;
    sp.message = "exited with code " + std::to_string(current->exit_code) + "; restarting in " +
                 Seconds(left);
    Requeue(plan, left);
  }
}

void PlanJob(const PlanInput& in, const ServiceSpec& svc, const PreviousService& prev,
             const ObservedContainer* current, const std::vector<const ObservedContainer*>& stale,
             bool deps_ok, const std::string& wait_msg, ServicePlan& sp, Plan* plan) {
  bool same_hash = prev.hash == sp.hash;
  sp.attempts = same_hash ? prev.attempts : 0;
  if (same_hash && prev.phase == "Completed") {
    sp.phase = "Completed";
    sp.ready = true;
    sp.container_id = current ? current->id : prev.container_id;
    if (current) FillFromContainer(sp, current);
    for (const ObservedContainer* c : stale)
      sp.actions.push_back(Remove(c, svc.name, "superseded"));
    return;
  }
  if (current == nullptr) {
    if (!deps_ok) {
      sp.phase = "Waiting";
      sp.message = wait_msg;
      return;
    }
    Action a{Action::Type::kCreateContainer, svc.name, "", "", {}, "job run"};
    for (const ObservedContainer* c : stale) a.remove_first.push_back(c->id);
    if (!stale.empty()) a.reason = "spec changed";
    sp.actions.push_back(std::move(a));
    sp.attempts += 1;
    sp.phase = "Starting";
    sp.message = "running job (attempt " + std::to_string(sp.attempts) + ")";
    return;
  }
  FillFromContainer(sp, current);
  if (sp.attempts == 0) sp.attempts = 1;
  for (const ObservedContainer* c : stale) sp.actions.push_back(Remove(c, svc.name, "superseded"));
  if (current->state == "running" || current->state == "restarting") {
    sp.phase = "Running";
    sp.message = "job running";
    return;
  }
  if (current->state == "created") {
    if (deps_ok) {
      sp.actions.push_back(
          {Action::Type::kStartContainer, svc.name, "", current->id, {}, "job run"});
      sp.phase = "Starting";
    } else {
      sp.phase = "Waiting";
      sp.message = wait_msg;
    }
    return;
  }
  if (current->state == "exited" && current->exit_code == 0) {
    sp.phase = "Completed";
    sp.ready = true;
    return;
  }
  // Failed: retry with backoff, keep dependents blocked meanwhile.
  sp.phase = "Failed";
  sp.degraded = true;
  sp.fetch_logs = prev.container_id != current->id || prev.last_error.empty();
  auto due = current->finished_at + JobBackoff(sp.attempts);
  if (in.now >= due && deps_ok) {
    Action a{Action::Type::kCreateContainer, svc.name, "", "", {current->id}, "job retry"};
    sp.actions.push_back(std::move(a));
    sp.attempts += 1;
    sp.message = "exit code " + std::to_string(current->exit_code) + "; retrying (attempt " +
                 std::to_string(sp.attempts) + ")";
  } else {
    auto left = std::chrono::duration_cast<milliseconds>(due - in.now);
    if (left < milliseconds(0)) left = kPollWaiting;
    sp.message = "exit code " + std::to_string(current->exit_code) + "; retry " +
                 std::to_string(sp.attempts + 1) + " in " + Seconds(left);
    Requeue(plan, left);
  }
}

}  // namespace

milliseconds JobBackoff(int attempts) {
  int n = std::clamp(attempts, 1, 7);
  return std::min<milliseconds>(seconds(5) * (1 << (n - 1)), seconds(300));
}

milliseconds CrashBackoff(int crash_count) {
  int n = std::clamp(crash_count, 1, 7);
  return std::min<milliseconds>(seconds(1) * (1 << (n - 1)), seconds(60));
}

Plan MakePlan(const PlanInput& in) {
  Plan plan;
  plan.order = TopologicalOrder(in.spec);
  const Observed& obs = in.observed;

  // Networks: external ones must exist; owned ones are created, or recreated
  // when their configuration changed (after the containers on them are gone).
  std::set<std::string> nets_ready;
  std::map<std::string, std::string> net_problem;
  std::set<std::string> removed_containers;
  for (const auto& [key, decl] : in.spec.networks) {
    const std::string& name = in.network_names.at(key);
    if (decl.external) {
      if (obs.external_networks.count(name)) {
        nets_ready.insert(key);
      } else {
        net_problem[key] = "external network \"" + name + "\" not found";
        plan.problems.push_back(net_problem[key]);
      }
      continue;
    }
    auto it = obs.networks.find(key);
    if (it == obs.networks.end()) {
      plan.infra.push_back({Action::Type::kCreateNetwork, "", key, "", {}, "network missing"});
      nets_ready.insert(key);
    } else if (it->second.internal != decl.internal || it->second.name != name) {
      for (const ObservedContainer& c : obs.containers) {
        if (c.networks.count(it->second.name) && removed_containers.insert(c.id).second) {
          plan.infra.push_back(Remove(&c, c.service, "network " + key + " changed"));
        }
      }
      plan.infra.push_back(
          {Action::Type::kRemoveNetwork, "", key, it->second.id, {}, "network changed"});
    } else {
      nets_ready.insert(key);
    }
  }
  for (const ObservedNetwork& n : obs.stray_networks) {
    plan.cleanup.push_back({Action::Type::kRemoveNetwork, "", "", n.id, {}, "no longer declared"});
  }

  // Volumes: owned ones are created; external ones must exist.
  std::set<std::string> vols_missing;
  for (const auto& [key, decl] : in.spec.volumes) {
    const std::string& name = in.volume_names.at(key);
    if (decl.external) {
      if (!obs.volumes.count(name)) {
        vols_missing.insert(key);
        plan.problems.push_back("external volume \"" + name + "\" not found");
      }
    } else if (!obs.volumes.count(name)) {
      plan.infra.push_back({Action::Type::kCreateVolume, "", key, "", {}, "volume missing"});
    }
  }

  std::map<std::string, std::vector<const ObservedContainer*>> by_service;
  for (const ObservedContainer& c : obs.containers) {
    if (removed_containers.count(c.id)) continue;
    if (in.spec.services.count(c.service)) {
      by_service[c.service].push_back(&c);
    } else {
      plan.cleanup.push_back(Remove(&c, c.service, "service no longer declared"));
    }
  }

  for (const std::string& name : plan.order) {
    const ServiceSpec& svc = in.spec.services.at(name);
    ServicePlan& sp = plan.services[name];
    PreviousService prev;
    if (auto p = in.previous.find(name); p != in.previous.end()) prev = p->second;
    sp.attempts = prev.attempts;
    sp.crash_count = prev.crash_count;
    if (auto e = in.render_errors.find(name); e != in.render_errors.end()) {
      sp.phase = "Pending";
      sp.message = e->second;
      sp.degraded = true;
      continue;
    }
    sp.hash = in.desired_hash.at(name);

    std::vector<std::string> waits;
    for (const auto& [dep, cond] : svc.depends_on) {
      const ServicePlan& d = plan.services[dep];
      if (Satisfies(d, cond)) continue;
      std::string w = dep + " to be " + CondName(cond);
      if (d.phase == "Failed" || d.phase == "Pending") w += " (" + d.phase + ": " + d.message + ")";
      waits.push_back(w);
    }
    for (const std::string& key : svc.networks) {
      if (!nets_ready.count(key)) {
        waits.push_back(net_problem.count(key) ? net_problem[key] : "network " + key);
        if (net_problem.count(key)) sp.degraded = true;
      }
    }
    for (const std::string& v : svc.volumes) {
      auto m = ParseVolume(v);
      if (m.ok() && m->type == VolumeMount::Type::kNamed && vols_missing.count(m->source)) {
        waits.push_back("external volume " + m->source);
        sp.degraded = true;
      }
    }
    std::string wait_msg;
    for (const std::string& w : waits) wait_msg += (wait_msg.empty() ? "waiting for " : ", ") + w;
    bool deps_ok = waits.empty();

    std::vector<const ObservedContainer*> stale;
    const ObservedContainer* current = PickCurrent(by_service[name], sp.hash, &stale);
    if (svc.kind == ServiceKind::kJob) {
      PlanJob(in, svc, prev, current, stale, deps_ok, wait_msg, sp, &plan);
    } else {
      PlanService(in, svc, prev, current, stale, deps_ok, wait_msg, nets_ready, sp, &plan);
    }
  }

  // Stack-level summary.
  plan.ready = plan.problems.empty();
  for (const auto& [name, sp] : plan.services) {
    if (sp.ready)
      ++plan.ready_count;
    else
      plan.ready = false;
    if (sp.degraded) plan.degraded = true;
    if (!sp.actions.empty()) plan.progressing = true;
    if (sp.phase == "Starting" || (sp.phase == "Running" && !sp.ready)) {
      Requeue(&plan, kPollStarting);
    }
    if (sp.phase == "Waiting") {
      Requeue(&plan, kPollWaiting);
      if (!sp.degraded) plan.progressing = true;
    }
    if (sp.phase == "Starting") plan.progressing = true;
  }
  if (!plan.problems.empty()) plan.degraded = true;
  if (!plan.infra.empty() || !plan.cleanup.empty()) plan.progressing = true;
  return plan;
}

}  // namespace berth::stack
