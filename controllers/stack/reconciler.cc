#include "controllers/stack/reconciler.h"

#include "controllers/stack/naming.h"
#include "controllers/stack/reconciler_internal.h"
#include "controllers/stack/status.h"
#include "operator/api/labels.h"
#include "operator/api/meta.h"
#include "operator/common/log.h"

namespace berth::stack {
namespace {

namespace labels = api::labels;
using runtime::EventType;
using runtime::ReconcileResult;

constexpr std::chrono::milliseconds kAfterAction{500};  // look again soon after acting

}  // namespace

StackReconciler::StackReconciler(registry::Registry& registry, docker::DockerClient& docker,
                                 runtime::EventRecorder& events, FileSystem& fs, Clock& clock,
                                 StackControllerOptions options, ConfigRenderer* renderer)
    : registry_(registry),
      docker_(docker),
      events_(events),
      fs_(fs),
      clock_(clock),
      opts_(std::move(options)),
      renderer_(renderer) {}

std::string StackReconciler::StackDir(const api::ObjectRef& ref) const {
  return StackDataDir(opts_.data_dir, ref);
}

std::string StackReconciler::SecretsDir(const api::ObjectRef& ref) const {
  return opts_.data_dir + "/secrets/" + ref.ns + "/" + ref.name;
}

Result<ReconcileResult> StackReconciler::Reconcile(const runtime::Request& request) {
  const api::ObjectRef& ref = request.ref;
  auto stack = registry_.Get("Stack", ref.ns, ref.name);
  if (!stack.ok()) {
    if (stack.status().code() != Code::kNotFound) return stack.status();
    // Gone from the store: whatever Docker still runs for it is an orphan.
    BERTH_RETURN_IF_ERROR(TearDown(ref, /*purge=*/false, nullptr));
    return ReconcileResult{};
  }
  if (stack->being_deleted()) {
    BERTH_RETURN_IF_ERROR(Finalize(*stack));
    return ReconcileResult{};
  }
  if (!stack->HasFinalizer(kFinalizer)) {
    auto updated = registry_.Mutate("Stack", ref.ns, ref.name, [](api::Object& o) {
      o.AddFinalizer(kFinalizer);
      return Status::Ok();
    });
    if (!updated.ok()) return updated.status();
    stack = std::move(updated);
  }
  return ReconcileLive(std::move(*stack));
}

Result<ReconcileResult> StackReconciler::ReconcileLive(api::Object stack) {
  api::ObjectRef ref = stack.ref();
  auto started = std::chrono::steady_clock::now();
  auto parsed = ParseStackSpec(stack.spec());
  if (!parsed.ok()) {
    // Admission should have refused it; say so in status and stop retrying.
    (void)registry_.Mutate(
        "Stack", ref.ns, ref.name,
        [&](api::Object& o) {
          api::SetCondition(
              o.mutable_status(),
              {"Degraded", "True", "InvalidSpec", parsed.status().ToString(), o.generation()},
              clock_.Now());
          o.mutable_status()["phase"] = "Failed";
          return Status::Ok();
        },
        /*status=*/true);
    return runtime::TerminalError(parsed.status());
  }
  const StackSpec& spec = *parsed;

  std::map<std::string, std::string> network_names, volume_names;
  for (const auto& [key, decl] : spec.networks) network_names[key] = NetworkName(ref, decl);
  for (const auto& [key, decl] : spec.volumes) volume_names[key] = VolumeName(ref, decl);

  Resolved resolved = Resolve(ref, spec);
  resolved.inputs.network_names = network_names;
  resolved.inputs.volume_names = volume_names;

  PlanInput in;
  in.spec = spec;
  in.network_names = network_names;
  in.volume_names = volume_names;
  in.render_errors = resolved.render_errors;
  std::map<std::string, RenderedService> rendered;
  for (const auto& [name, svc] : spec.services) {
    if (in.render_errors.count(name)) continue;
    auto r = RenderService(spec, svc, resolved.inputs);
    if (!r.ok()) {
      std::string why;
      for (const auto& c : r.status().causes()) why += (why.empty() ? "" : "; ") + c.message;
      in.render_errors[name] = why.empty() ? r.status().message() : why;
      continue;
    }
    rendered[name] = std::move(*r);
  }
  in.desired_hash = EffectiveHashes(spec, rendered);

  auto observed = Observe(ref, spec, network_names, volume_names);
  if (!observed.ok()) {
    if (observed.status().code() == Code::kUnavailable ||
        observed.status().code() == Code::kTimeout) {
      // Say so where users look; the controller retries with backoff and the
      // Docker event stream requeues everything once the engine is back.
      (void)registry_.Mutate(
          "Stack", ref.ns, ref.name,
          [&](api::Object& o) {
            api::Json& st = o.mutable_status();
            api::SetCondition(st,
                              {"Degraded", "True", "EngineUnavailable",
                               "the Docker engine is unavailable: " + observed.status().message(),
                               o.generation()},
                              clock_.Now());
            api::SetCondition(st,
                              {"Ready", "False", "EngineUnavailable",
                               "the Docker engine is unavailable", o.generation()},
                              clock_.Now());
            st["phase"] = "Degraded";
            return Status::Ok();
          },
          /*status=*/true);
    }
    return observed.status();
  }
  in.observed = std::move(*observed);
  in.previous = PreviousServices(stack.status());
  in.now = clock_.Now();
  Plan plan = MakePlan(in);
  for (auto& [name, sp] : plan.services) {
    if (sp.container_name.empty()) sp.container_name = ContainerName(ref, spec.services.at(name));
  }

  Outcome outcome =
      Execute(stack, spec, plan, rendered, in.desired_hash, network_names, volume_names);
  for (const auto& [name, sp] : plan.services) {
    if (!sp.fetch_logs || sp.container_id.empty()) continue;
    docker::LogsOptions lo;
    lo.tail = 20;
    auto logs = docker_.Logs(sp.container_id, lo);
    std::string text = logs.ok() ? logs->out + logs->err : "";
    std::string tail = Scrub(text, resolved.secret_values);
    if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
    outcome.job_logs[name] = tail;
    events_.Record(stack, EventType::kWarning, "JobFailed", "Run",
                   "job " + name + " exited with code " + std::to_string(sp.exit_code) +
                       " (attempt " + std::to_string(sp.attempts) + ")");
  }

  std::map<std::string, std::string> network_ids;
  for (const auto& [key, n] : in.observed.networks) network_ids[key] = n.id;
  StatusInput si;
  si.generation = stack.generation();
  si.spec = &spec;
  si.plan = &plan;
  si.wave = &outcome;
  si.network_ids = network_ids;
  si.network_names = network_names;
  si.previous = stack.status();
  si.now = clock_.Now();
  api::Json status = BuildStatus(si);
  bool was_ready = stack.status().is_object() && stack.status().value("phase", "") == "Ready";
  if (status != stack.status()) {
    auto written = registry_.Mutate(
        "Stack", ref.ns, ref.name,
        [&](api::Object& o) {
          if (o.generation() != stack.generation())
            return Status::Conflict("spec changed meanwhile");
          o.json()["status"] = status;
          return Status::Ok();
        },
        /*status=*/true);
    if (!written.ok() && written.status().code() != Code::kConflict) return written.status();
    if (!written.ok()) return ReconcileResult{kAfterAction, false};
  }
  if (!was_ready && status.value("phase", "") == "Ready") {
    events_.Record(stack, EventType::kNormal, "Ready", "Reconcile",
                   "all " + std::to_string(spec.services.size()) + " services are ready");
  }

  if (!outcome.errors.empty() || !outcome.problems.empty()) {
    // Retry with the controller's backoff; the status above says what failed.
    std::string first = !outcome.errors.empty()
                            ? outcome.errors.begin()->first + ": " + outcome.errors.begin()->second
                            : outcome.problems.front();
    return Status::Unavailable("stack " + ref.ToString() + ": " + first);
  }
  spdlog::debug("stack {}: reconciled in {} ms ({} ready of {})", ref.ToString(),
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count(),
                plan.ready_count, spec.services.size());
  ReconcileResult result;
  if (outcome.acted) result.requeue_after = kAfterAction;
  if (plan.requeue_after &&
      (result.requeue_after.count() == 0 || *plan.requeue_after < result.requeue_after)) {
    result.requeue_after = *plan.requeue_after;
  }
  return result;
}

Status StackReconciler::Finalize(const api::Object& stack) {
  api::ObjectRef ref = stack.ref();
  if (!stack.HasFinalizer(kFinalizer)) return Status::Ok();
  auto ann = stack.annotations();
  bool purge = ann.count(kPurgeAnnotation) && ann.at(kPurgeAnnotation) == "true";
  // A Stack deleted before berth wrote its first status has none (null).
  if (!stack.status().is_object() || stack.status().value("phase", "") != "Deleting") {
    (void)registry_.Mutate(
        "Stack", ref.ns, ref.name,
        [&](api::Object& o) {
          o.mutable_status()["phase"] = "Deleting";
          return Status::Ok();
        },
        /*status=*/true);
  }
  BERTH_RETURN_IF_ERROR(TearDown(ref, purge, &stack));
  auto done = registry_.Mutate("Stack", ref.ns, ref.name, [](api::Object& o) {
    o.RemoveFinalizer(kFinalizer);
    return Status::Ok();
  });
  if (!done.ok() && done.status().code() != Code::kNotFound) return done.status();
  events_.Record(ref, EventType::kNormal, "Deleted", "Delete",
                 purge ? "removed containers, networks and volumes"
                       : "removed containers and networks; named volumes kept");
  return Status::Ok();
}

Status StackReconciler::TearDown(const api::ObjectRef& ref, bool purge, const api::Object* stack) {
  // What to remove: for a Stack being deleted, what it owns (not a same-named
  // Stack's of another berth store); for an orphan (no Stack in this store),
  // only what this store's controllers certainly made: another berth on the
  // same engine has Stacks this store has never heard of.
  auto skip = [&](const docker::Labels& l) {
    if (l.count(labels::kManagedBy) == 0) return true;
    return stack == nullptr ? !labels::ThisCluster(l, opts_.cluster_id)
                            : labels::OtherCluster(l, opts_.cluster_id);
  };
  BERTH_ASSIGN_OR_RETURN(auto containers, docker_.ListContainers(labels::OwnerFilter(ref)));
  std::erase_if(containers, [&](const docker::ContainerSummary& c) { return skip(c.labels); });
  if (stack == nullptr && !containers.empty()) {
    spdlog::info("stack {} is gone; removing {} orphaned container(s)", ref.ToString(),
                 containers.size());
  }
  for (const auto& c : containers) {
    BERTH_RETURN_IF_ERROR(RemoveContainer(c.id, std::chrono::seconds(10)));
    if (stack) {
      events_.Record(*stack, EventType::kNormal, "Removed", "Delete",
                     "removed container " + c.name);
    }
  }
  BERTH_ASSIGN_OR_RETURN(auto networks, docker_.ListNetworks(labels::OwnerFilter(ref)));
  for (const auto& n : networks) {
    if (skip(n.labels)) continue;
    Status st = docker_.RemoveNetwork(n.id);
    if (!st.ok() && st.code() != Code::kNotFound) return st;
    std::lock_guard lock(mu_);
    network_owner_.erase(n.name);
  }
  (void)fs_.RemoveAll(SecretsDir(ref));
  (void)fs_.RemoveAll(StackDir(ref) + "/configs");
  if (purge) {
    BERTH_ASSIGN_OR_RETURN(auto volumes, docker_.ListVolumes(labels::OwnerFilter(ref)));
    for (const auto& v : volumes) {
      if (skip(v.labels)) continue;
      Status st = docker_.RemoveVolume(v.name, /*force=*/false);
      if (!st.ok() && st.code() != Code::kNotFound) return st;
    }
    (void)fs_.RemoveAll(StackDir(ref));
  }
  return Status::Ok();
}

}  // namespace berth::stack
