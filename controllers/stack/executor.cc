// Carrying out a plan: networks and volumes first, then each service's
// actions (services in parallel), then cleanup of strays.
#include <atomic>
#include <thread>

#include "controllers/stack/pull_auth.h"
#include "controllers/stack/reconciler.h"
#include "controllers/stack/reconciler_internal.h"
#include "operator/api/labels.h"
#include "operator/common/log.h"
#include "operator/common/strings.h"

namespace berth::stack {
namespace {

namespace labels = api::labels;
using runtime::EventType;

bool OwnedBy(const docker::Labels& l, const api::ObjectRef& ref, const std::string& cluster) {
  auto m = l.find(labels::kManagedBy);
  auto o = l.find(labels::kOwner);
  return m != l.end() && m->second == labels::kManagedByValue && o != l.end() &&
         o->second == ref.ToString() && !labels::OtherCluster(l, cluster);
}

std::string DirOf(const std::string& path) {
  return path.substr(0, path.find_last_of('/'));
}

const char* ActionName(Action::Type t) {
  switch (t) {
    case Action::Type::kCreateNetwork: return "create network";
    case Action::Type::kRemoveNetwork: return "remove network";
    case Action::Type::kCreateVolume: return "create volume";
    case Action::Type::kRemoveContainer: return "remove container";
    case Action::Type::kCreateContainer: return "create container";
    case Action::Type::kStartContainer: return "start container";
    case Action::Type::kConnectNetwork: return "connect network";
  }
  return "?";
}

}  // namespace

std::string Scrub(std::string text, const std::set<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.size() < 4) continue;  // too short to scrub without mangling everything
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos)) {
      text.replace(pos, s.size(), "<redacted>");
      pos += 10;
    }
  }
  return text;
}

Status StackReconciler::RemoveContainer(const std::string& id, std::chrono::seconds grace) {
  Status st = docker_.StopContainer(id, grace);
  if (!st.ok() && st.code() != Code::kNotFound) {
    spdlog::warn("stopping container {}: {}", id, st.ToString());
  }
  st = docker_.RemoveContainer(id, /*force=*/true, /*volumes=*/false);
  if (!st.ok() && st.code() != Code::kNotFound) return st;
  return Status::Ok();
}

Status StackReconciler::EnsureImage(const api::Object& stack, const StackSpec& spec,
                                    const ServiceSpec& svc) {
  if (svc.pull_policy != "Always") {
    auto img = docker_.InspectImage(svc.image);
    if (img.ok()) return Status::Ok();
    if (img.status().code() != Code::kNotFound) return img.status();
    if (svc.pull_policy == "Never") {
      return Status::NotFound("image " + svc.image +
                              " is not present and imagePullPolicy is Never");
    }
  }
  PullCredentials creds =
      FindPullCredentials(registry_, stack.ns(), spec.image_pull_secrets, svc.image);
  events_.Record(stack, EventType::kNormal, "Pulling", "Pull",
                 "pulling image " + svc.image +
                     (creds.auth ? " with credentials from Secret " + creds.secret : ""));
  std::string digest;
  int layers = 0;
  Status st = docker_.PullImage(
      svc.image, creds.auth ? &*creds.auth : nullptr,
      [&](const docker::PullProgress& p) {
        spdlog::debug("pull {}: {} {}", svc.image, p.id, p.status);
        if (StartsWith(p.status, "Digest: ")) digest = p.status.substr(8);
        if (p.status == "Pull complete") ++layers;
      },
      opts_.pull_timeout);
  if (!st.ok()) {
    Status err = PullError(svc.image, creds, st);
    events_.Record(stack, EventType::kWarning, "PullFailed", "Pull", err.message());
    return err;
  }
  events_.Record(stack, EventType::kNormal, "Pulled", "Pull",
                 "pulled image " + svc.image + " (" + std::to_string(layers) + " new layer" +
                     (layers == 1 ? "" : "s") + (digest.empty() ? "" : ", " + digest) + ")");
  return Status::Ok();
}

Status StackReconciler::CreateService(const api::Object& stack, const StackSpec& stack_spec,
                                      const ServiceSpec& svc, const Action& action,
                                      const RenderedService& rendered, const std::string& hash) {
  auto grace = std::chrono::duration_cast<std::chrono::seconds>(svc.stop_grace);
  for (const std::string& id : action.remove_first)
    BERTH_RETURN_IF_ERROR(RemoveContainer(id, grace));
  for (const HostFile& f : rendered.files) {
    BERTH_RETURN_IF_ERROR(fs_.MakeDirs(DirOf(f.path), f.secret ? 0700 : 0755));
    Status st = fs_.WriteFileAtomic(f.path, f.content, f.mode);
    if (!st.ok())
      return Status(st.code(),
                    "writing " + (f.secret ? std::string("a secret file") : f.path) + " failed");
  }
  for (const std::string& dir : rendered.bind_dirs) BERTH_RETURN_IF_ERROR(fs_.MakeDirs(dir, 0755));
  BERTH_RETURN_IF_ERROR(EnsureImage(stack, stack_spec, svc));

  docker::ContainerSpec spec = rendered.container;
  spec.labels[labels::kSpecHash] = hash;
  if (!opts_.cluster_id.empty()) spec.labels[labels::kCluster] = opts_.cluster_id;
  auto id = docker_.CreateContainer(spec);
  if (!id.ok() && id.status().code() == Code::kConflict) {
    // The name is taken. Ours (a leftover of an interrupted run): replace it.
    // Anyone else's: never touch it.
    auto other = docker_.InspectContainer(spec.name);
    if (other.ok() && OwnedBy(other->labels, stack.ref(), opts_.cluster_id)) {
      BERTH_RETURN_IF_ERROR(RemoveContainer(other->id, grace));
      id = docker_.CreateContainer(spec);
    } else if (other.ok()) {
      return Status::Conflict("container name " + spec.name +
                              " is taken by a container berth does not manage");
    }
  }
  if (!id.ok()) return id.status().Prefixed("create container " + spec.name);
  bool recreated = !action.remove_first.empty();
  events_.Record(stack, EventType::kNormal, recreated ? "Recreated" : "Created",
                 recreated ? "Recreate" : "Create",
                 (recreated ? "recreated" : "created") + std::string(" container ") + spec.name +
                     " for service " + svc.name + ": " + action.reason);
  Status st = docker_.StartContainer(*id);
  if (!st.ok()) return st.Prefixed("start container " + spec.name);
  events_.Record(stack, EventType::kNormal, "Started", "Start",
                 "started container " + spec.name + " for service " + svc.name);
  return Status::Ok();
}

StackReconciler::Outcome StackReconciler::Execute(
    const api::Object& stack, const StackSpec& spec, const Plan& plan,
    const std::map<std::string, RenderedService>& rendered,
    const std::map<std::string, std::string>& hashes,
    const std::map<std::string, std::string>& network_names,
    const std::map<std::string, std::string>& volume_names) {
  Outcome out;
  api::ObjectRef ref = stack.ref();
  auto problem = [&](const std::string& msg) {
    out.problems.push_back(msg);
    events_.Record(stack, EventType::kWarning, "Failed", "Reconcile", msg);
  };

  for (const Action& a : plan.infra) {
    out.acted = true;
    spdlog::info("stack {}: {} {} ({})", ref.ToString(), ActionName(a.type),
                 a.key.empty() ? a.id.substr(0, 12) : a.key, a.reason);
    if (a.type == Action::Type::kCreateNetwork) {
      const NetworkDecl& d = spec.networks.at(a.key);
      docker::NetworkSpec ns;
      ns.name = network_names.at(a.key);
      ns.driver = d.driver;
      ns.internal = d.internal;
      ns.attachable = true;
      ns.labels = d.labels;
      for (const auto& [k, v] : labels::Owned(ref)) ns.labels[k] = v;
      ns.labels[labels::kNetwork] = a.key;
      if (!opts_.cluster_id.empty()) ns.labels[labels::kCluster] = opts_.cluster_id;
      auto id = docker_.CreateNetwork(ns);
      if (id.ok()) {
        std::lock_guard lock(mu_);
        network_owner_[ns.name] = ref;
        events_.Record(
            stack, EventType::kNormal, "NetworkCreated", "Create",
            "created network " + ns.name + (d.internal ? " (internal)" : "") + ": " + a.reason);
      } else if (id.status().code() == Code::kConflict) {
        auto other = docker_.InspectNetwork(ns.name);
        if (!(other.ok() && OwnedBy(other->labels, ref, opts_.cluster_id))) {
          problem("network name " + ns.name + " is taken by a network berth does not manage");
        }
      } else {
        problem("create network " + ns.name + ": " + id.status().message());
      }
    } else if (a.type == Action::Type::kRemoveNetwork) {
      Status st = docker_.RemoveNetwork(a.id);
      if (!st.ok() && st.code() != Code::kNotFound) {
        spdlog::info("stack {}: network {} not removed yet: {}", ref.ToString(), a.id,
                     st.message());
      }
    } else if (a.type == Action::Type::kCreateVolume) {
      const VolumeDecl& d = spec.volumes.at(a.key);
      std::string name = volume_names.at(a.key);
      auto existing = docker_.InspectVolume(name);
      if (existing.ok() && !OwnedBy(existing->labels, ref, opts_.cluster_id)) {
        problem("volume name " + name +
                " is taken by a volume berth does not manage "
                "(declare it external to use it)");
        continue;
      }
      docker::VolumeSpec vs;
      vs.name = name;
      vs.driver = d.driver;
      vs.labels = d.labels;
      for (const auto& [k, v] : labels::Owned(ref)) vs.labels[k] = v;
      vs.labels[labels::kVolume] = a.key;
      if (!opts_.cluster_id.empty()) vs.labels[labels::kCluster] = opts_.cluster_id;
      auto made = docker_.CreateVolume(vs);
      if (!made.ok()) {
        problem("create volume " + name + ": " + made.status().message());
      } else if (!existing.ok()) {
        events_.Record(stack, EventType::kNormal, "VolumeCreated", "Create",
                       "created volume " + name);
      }
    } else if (a.type == Action::Type::kRemoveContainer) {
      Status st = RemoveContainer(a.id, std::chrono::seconds(10));
      if (!st.ok()) problem("remove container " + a.id + ": " + st.message());
    }
  }

  // Services: each service's actions in order; services in parallel.
  std::vector<std::string> busy;
  for (const auto& [name, sp] : plan.services) {
    if (!sp.actions.empty()) busy.push_back(name);
  }
  std::mutex out_mu;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < busy.size(); i = next++) {
      const std::string& name = busy[i];
      const ServiceSpec& svc = spec.services.at(name);
      const ServicePlan& sp = plan.services.at(name);
      auto grace = std::chrono::duration_cast<std::chrono::seconds>(svc.stop_grace);
      Status st;
      for (const Action& a : sp.actions) {
        spdlog::info("stack {}: service {}: {} ({})", ref.ToString(), name, ActionName(a.type),
                     a.reason);
        switch (a.type) {
          case Action::Type::kRemoveContainer:
            st = RemoveContainer(a.id, grace);
            if (st.ok()) {
              events_.Record(stack, EventType::kNormal, "Removed", "Remove",
                             "removed container " + a.id.substr(0, 12) + " of service " + name +
                                 ": " + a.reason);
            }
            break;
          case Action::Type::kCreateContainer:
            st = CreateService(stack, spec, svc, a, rendered.at(name), hashes.at(name));
            break;
          case Action::Type::kStartContainer:
            st = docker_.StartContainer(a.id);
            if (st.ok()) {
              events_.Record(stack, EventType::kNormal, "Started", "Start",
                             "started container of service " + name + ": " + a.reason);
            }
            break;
          case Action::Type::kConnectNetwork:
            st = docker_.ConnectNetwork(network_names.at(a.key), a.id, {name});
            if (st.code() == Code::kConflict) st = Status::Ok();  // already connected
            if (st.ok()) {
              events_.Record(stack, EventType::kNormal, "NetworkConnected", "Connect",
                             "reconnected service " + name + " to network " + a.key);
            }
            break;
          default: break;
        }
        if (!st.ok()) break;
      }
      std::lock_guard lock(out_mu);
      if (!st.ok()) {
        out.errors[name] = st.message();
        events_.Record(stack, EventType::kWarning, "Failed", "Reconcile",
                       "service " + name + ": " + st.message());
      }
    }
  };
  if (!busy.empty()) {
    out.acted = true;
    size_t n = std::min<size_t>(busy.size(), static_cast<size_t>(std::max(1, opts_.parallelism)));
    std::vector<std::thread> threads;
    for (size_t i = 1; i < n; ++i) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
  }

  for (const Action& a : plan.cleanup) {
    out.acted = true;
    spdlog::info("stack {}: {} {} ({})", ref.ToString(), ActionName(a.type), a.id.substr(0, 12),
                 a.reason);
    if (a.type == Action::Type::kRemoveContainer) {
      Status st = RemoveContainer(a.id, std::chrono::seconds(10));
      if (st.ok()) {
        events_.Record(stack, EventType::kNormal, "Removed", "Remove",
                       "removed container of service " + a.service + ": " + a.reason);
      }
    } else if (a.type == Action::Type::kRemoveNetwork) {
      Status st = docker_.RemoveNetwork(a.id);
      if (st.ok()) {
        events_.Record(stack, EventType::kNormal, "NetworkRemoved", "Remove",
                       "removed network " + a.id.substr(0, 12) + ": " + a.reason);
      }
    }
  }
  return out;
}

}  // namespace berth::stack
