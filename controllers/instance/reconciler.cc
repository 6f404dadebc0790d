#include "controllers/instance/reconciler.h"

#include "controllers/instance/data_owner.h"
#include "controllers/instance/reconciler_internal.h"
#include "operator/api/meta.h"
#include "operator/common/log.h"

namespace berth::instance {
namespace {

using runtime::EventType;
using runtime::ReconcileResult;

constexpr std::chrono::milliseconds kStarting{2000};   // health check or router pending
constexpr std::chrono::milliseconds kWaiting{15000};   // Stack, network or Secret missing
constexpr std::chrono::milliseconds kRejected{60000};  // a Stack change requeues sooner

}  // namespace

InstanceReconciler::InstanceReconciler(registry::Registry& registry, docker::DockerClient& docker,
                                       runtime::EventRecorder& events, FileSystem& fs, Clock& clock,
                                       router::RouterFiles& router_files,
                                       InstanceControllerOptions options)
    : registry_(registry),
      docker_(docker),
      events_(events),
      fs_(fs),
      clock_(clock),
      router_files_(router_files),
      opts_(std::move(options)) {}

Result<ReconcileResult> InstanceReconciler::Reconcile(const runtime::Request& request) {
  const api::ObjectRef& ref = request.ref;
  auto inst = registry_.Get("Instance", ref.ns, ref.name);
  if (!inst.ok()) {
    if (inst.status().code() != Code::kNotFound) return inst.status();
    // Gone without its finalizer: its containers are orphans. (Its route
    // file, if any, goes with the router's resync.)
    BERTH_RETURN_IF_ERROR(RemoveOwnedContainers(ref, nullptr));
    return ReconcileResult{};
  }
  if (inst->being_deleted()) {
    BERTH_RETURN_IF_ERROR(Finalize(*inst));
    return ReconcileResult{};
  }
  if (!inst->HasFinalizer(kFinalizer)) {
    auto updated = registry_.Mutate("Instance", ref.ns, ref.name, [](api::Object& o) {
      o.AddFinalizer(kFinalizer);
      return Status::Ok();
    });
    if (!updated.ok()) return updated.status();
    inst = std::move(updated);
  }
  return ReconcileLive(*inst);
}

Result<ReconcileResult> InstanceReconciler::ReconcileLive(const api::Object& inst) {
  api::ObjectRef ref = inst.ref();
  const api::Json& prev = inst.status();
  std::string prev_config_hash = prev.is_object() ? prev.value("configHash", "") : "";
  Desired d = Load(inst);

  Observation o;
  o.generation = inst.generation();
  o.provider = d.provider;
  o.config_hash = prev_config_hash;
  o.container_id = prev.is_object() ? prev.value("containerID", "") : "";
  if (!d.slug.empty()) o.container_name = ContainerName(ref.ns, d.slug);
  if (!d.dirs.data.empty()) o.data_dir = d.dirs.data;
  if (d.router) {
    o.url = Url(d.slug, d.router->spec);
    o.host = Host(d.slug, d.router->spec);
    o.router_file = d.route_file();
  }
  o.failed_reason = d.failed_reason;
  o.failed_message = d.failed_message;
  o.pending_reason = d.pending_reason;
  o.pending_message = d.pending_message;

  ReconcileResult result;
  Status error;  // retried with backoff after the status is written
  if (d.runnable() && d.suspend) {
    BERTH_RETURN_IF_ERROR(Inspect(o.container_name, &o));
    EnsureRoute(inst, d, &o);  // removes the route: suspended Instances are not routed
    if (o.running) {
      BERTH_RETURN_IF_ERROR(docker_.StopContainer(o.container_id, opts_.stop_grace));
      events_.Record(inst, EventType::kNormal, "Suspended", "Stop",
                     "stopped container " + o.container_name + "; data kept");
      o.running = false;
    }
    o.pending_reason = "Suspended";
    o.pending_message = "spec.suspend is true: the container is stopped and not routed";
  } else if (d.runnable()) {
    auto rendered = RenderInstance(d.Input());
    if (!rendered.ok()) {
      o.pending_reason = "MissingReference";
      std::string why;
      for (const auto& c : rendered.status().causes()) {
        why += (why.empty() ? "" : "; ") + c.field + ": " + c.message;
      }
      o.pending_message = why.empty() ? rendered.status().message() : why;
      result.requeue_after = kWaiting;
    } else if (Status claim = ClaimDataDir(fs_, d.dirs.root, d.user); !claim.ok()) {
      // Kept data of another user under this slug: never written into or
      // mounted; the Instance waits until that directory is purged.
      if (claim.code() != Code::kInvalid) return claim;
      o.failed_reason = "DataDirInUse";
      o.failed_message = claim.causes().empty() ? claim.message() : claim.causes()[0].message;
    } else {
      auto config_changed = WriteConfig(d);
      if (!config_changed.ok()) return config_changed.status();
      if (*config_changed) {
        events_.Record(inst, EventType::kNormal, "ConfigWritten", "Configure",
                       d.config ? "wrote " + d.tmpl->config_path + " from Provider " + d.provider
                                : "removed " + d.tmpl->config_path + " (no Provider)");
      }
      bool created = false;
      Status st = EnsureContainer(inst, d, *rendered, &o, &created);
      if (st.code() == Code::kNotFound) {
        o.pending_reason = "WaitingForRouterNetwork";
        o.pending_message = st.message();
        result.requeue_after = kWaiting;
      } else if (st.code() == Code::kConflict) {
        o.failed_reason = "NameConflict";
        o.failed_message = st.message();
      } else if (!st.ok()) {
        error = st;
        o.pending_reason = "ContainerError";
        o.pending_message = st.message();
      } else {
        if (d.config_ok && d.config_hash != prev_config_hash) {
          if (!created && o.running) {
            Status rs = docker_.RestartContainer(o.container_id, opts_.stop_grace);
            if (!rs.ok()) return rs.Prefixed("restart container " + o.container_name);
            events_.Record(
                inst, EventType::kNormal, "Restarted", "Restart",
                "restarted container " + o.container_name + ": its provider configuration changed");
            BERTH_RETURN_IF_ERROR(Inspect(o.container_name, &o));
          }
          o.config_hash = d.config_hash;
        }
        o.configured = d.config_ok;
        o.config_message = d.config_message;
        EnsureRoute(inst, d, &o);
      }
    }
  } else {
    result.requeue_after = d.pending_reason.empty() ? std::chrono::milliseconds(0) : kWaiting;
    if (!d.failed_reason.empty()) {
      events_.Record(inst, EventType::kWarning, d.failed_reason, "Reconcile", d.failed_message);
    }
  }

  api::Json status = BuildStatus(prev, o, clock_.Now());
  bool was_ready = prev.is_object() && prev.value("phase", "") == "Ready";
  if (status != prev) {
    auto written = registry_.Mutate(
        "Instance", ref.ns, ref.name,
        [&](api::Object& obj) {
          if (obj.generation() != inst.generation())
            return Status::Conflict("spec changed meanwhile");
          obj.json()["status"] = status;
          return Status::Ok();
        },
        /*status=*/true);
    if (!written.ok() && written.status().code() != Code::kConflict) return written.status();
    if (!written.ok()) return ReconcileResult{kStarting, false};
  }
  std::string phase = status.value("phase", "");
  if (!was_ready && phase == "Ready") {
    events_.Record(inst, EventType::kNormal, "Ready", "Reconcile", "serving at " + o.url);
  }
  if (!error.ok()) return error;
  if (phase == "Provisioning") result.requeue_after = kStarting;
  if (phase == "Degraded") {
    result.requeue_after = o.route == RouteState::kRejected ? kRejected : kStarting * 5;
  }
  return result;
}

Status InstanceReconciler::Finalize(const api::Object& inst) {
  api::ObjectRef ref = inst.ref();
  if (!inst.HasFinalizer(kFinalizer)) return Status::Ok();
  const api::Json& prev = inst.status();
  if (!prev.is_object() || prev.value("phase", "") != "Deleting") {
    (void)registry_.Mutate(
        "Instance", ref.ns, ref.name,
        [&](api::Object& o) {
          o.mutable_status()["phase"] = "Deleting";
          return Status::Ok();
        },
        /*status=*/true);
  }
  Desired d = Load(inst);
  std::optional<router::RouterTarget> target;
  std::set<std::string> route_files;
  if (prev.is_object() && !prev.value("routerFile", "").empty()) {
    route_files.insert(prev.value("routerFile", ""));
  }
  if (d.router) {
    route_files.insert(d.route_file());
    auto t = RouterTargetFor(d.stack_ref, *d.router);
    if (t.ok()) target = *t;
  }
  for (const std::string& f : route_files) BERTH_RETURN_IF_ERROR(RemoveRoute(inst, f, target));
  BERTH_RETURN_IF_ERROR(RemoveOwnedContainers(ref, &inst));

  bool purge = AnnotationTrue(inst, kPurgeAnnotation);
  if (!d.slug.empty() && !d.dirs.root.empty()) {
    // The config (an API key) and secret files never outlive the Instance.
    BERTH_RETURN_IF_ERROR(fs_.RemoveAll(d.dirs.config));
    BERTH_RETURN_IF_ERROR(fs_.RemoveAll(d.dirs.secrets));
    if (purge) {
      BERTH_RETURN_IF_ERROR(fs_.RemoveAll(d.dirs.root));
      events_.Record(inst, EventType::kNormal, "DataPurged", "Delete",
                     "removed the data directory " + d.dirs.data);
    }
  }
  auto done = registry_.Mutate("Instance", ref.ns, ref.name, [](api::Object& o) {
    o.RemoveFinalizer(kFinalizer);
    return Status::Ok();
  });
  if (!done.ok() && done.status().code() != Code::kNotFound) return done.status();
  events_.Record(ref, EventType::kNormal, "Deleted", "Delete",
                 purge ? "removed container, route and data"
                       : "removed container and route; data kept in " + d.dirs.data);
  return Status::Ok();
}

}  // namespace berth::instance
