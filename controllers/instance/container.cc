// The Instance's container and host files: directories, secret files, the
// provider config, and the container itself (create, start, recreate).
#include "controllers/instance/reconciler.h"
#include "controllers/instance/reconciler_internal.h"
#include "controllers/stack/pull_auth.h"
#include "operator/api/labels.h"
#include "operator/common/log.h"

namespace berth::instance {
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

}  // namespace

Status InstanceReconciler::WriteFiles(const Desired& d, const RenderedInstance& r) {
  BERTH_RETURN_IF_ERROR(fs_.MakeDirs(d.dirs.root, 0700));
  BERTH_RETURN_IF_ERROR(fs_.MakeDirs(d.dirs.data, 0755));
  BERTH_RETURN_IF_ERROR(fs_.MakeDirs(d.dirs.config, 0755));
  for (const stack::HostFile& f : r.files) {
    BERTH_RETURN_IF_ERROR(fs_.MakeDirs(DirOf(f.path), 0700));
    auto cur = fs_.ReadFile(f.path);
    if (cur.ok() && *cur == f.content) continue;
    Status st = fs_.WriteFileAtomic(f.path, f.content, f.mode);
    // Never the path's content in a message; the path names only secret and key.
    if (!st.ok()) return Status(st.code(), "writing a secret file of the Instance failed");
  }
  return Status::Ok();
}

Result<bool> InstanceReconciler::WriteConfig(const Desired& d) {
  std::string path = d.config_file();
  BERTH_RETURN_IF_ERROR(fs_.MakeDirs(d.dirs.root, 0700));
  BERTH_RETURN_IF_ERROR(fs_.MakeDirs(d.dirs.config, 0755));
  if (d.config) {
    auto cur = fs_.ReadFile(path);
    if (cur.ok() && *cur == *d.config) return false;
    // Renamed over the old file in the mounted directory: the container sees
    // the old or the new file, never a half-written one. Holds an API key.
    Status st = fs_.WriteFileAtomic(path, *d.config, 0444);
    if (!st.ok()) return Status(st.code(), "writing the Instance's config file failed");
    return true;
  }
  if (!d.config_ok) return false;  // a Provider that cannot render: keep the last good file
  if (!fs_.Exists(path)) return false;
  BERTH_RETURN_IF_ERROR(fs_.Remove(path));
  return true;
}

Status InstanceReconciler::StopAndRemove(const std::string& id) {
  Status st = docker_.StopContainer(id, opts_.stop_grace);
  if (!st.ok() && st.code() != Code::kNotFound) {
    spdlog::warn("stopping container {}: {}", id, st.ToString());
  }
  st = docker_.RemoveContainer(id, /*force=*/true, /*volumes=*/false);
  if (!st.ok() && st.code() != Code::kNotFound) return st;
  return Status::Ok();
}

Status InstanceReconciler::EnsureImage(const api::Object& inst, const std::string& image,
                                       const std::vector<std::string>& pull_secrets) {
  auto img = docker_.InspectImage(image);
  if (img.ok()) return Status::Ok();
  if (img.status().code() != Code::kNotFound) return img.status();
  stack::PullCredentials creds =
      stack::FindPullCredentials(registry_, inst.ns(), pull_secrets, image);
  events_.Record(inst, EventType::kNormal, "Pulling", "Pull", "pulling image " + image);
  Status st = docker_.PullImage(
      image, creds.auth ? &*creds.auth : nullptr, [](const docker::PullProgress&) {},
      opts_.pull_timeout);
  if (!st.ok()) {
    Status err = stack::PullError(image, creds, st);
    events_.Record(inst, EventType::kWarning, "PullFailed", "Pull", err.message());
    return err;
  }
  events_.Record(inst, EventType::kNormal, "Pulled", "Pull", "pulled image " + image);
  return Status::Ok();
}

Status InstanceReconciler::Inspect(const std::string& name, Observation* o) {
  auto info = docker_.InspectContainer(name);
  if (!info.ok()) {
    if (info.status().code() != Code::kNotFound) return info.status();
    o->container_id.clear();
    o->running = false;
    o->restarting = false;
    o->health.clear();
    return Status::Ok();
  }
  o->container_id = info->id;
  o->running = info->state.running && !info->state.restarting;
  o->restarting = info->state.restarting;
  o->exit_code = info->state.exit_code;
  o->health = info->state.health;
  return Status::Ok();
}

Status InstanceReconciler::EnsureContainer(const api::Object& inst, const Desired& d,
                                           const RenderedInstance& r, Observation* o,
                                           bool* created) {
  *created = false;
  docker::ContainerSpec spec = r.container;
  if (!opts_.cluster_id.empty()) spec.labels[labels::kCluster] = opts_.cluster_id;
  std::string why = "created";
  auto info = docker_.InspectContainer(spec.name);
  if (info.ok()) {
    if (!OwnedBy(info->labels, inst.ref(), opts_.cluster_id)) {
      return Status::Conflict("container name " + spec.name +
                              " is taken by a container this Instance does not own");
    }
    auto hash = info->labels.find(labels::kSpecHash);
    if (hash != info->labels.end() && hash->second == r.hash) {
      if (!info->state.running && !info->state.restarting) {
        BERTH_RETURN_IF_ERROR(WriteFiles(d, r));
        Status st = docker_.StartContainer(info->id);
        if (!st.ok()) return st.Prefixed("start container " + spec.name);
        events_.Record(
            inst, EventType::kNormal, "Started", "Start",
            "container " + spec.name + " was " + info->state.status + "; started it again");
      }
      return Inspect(spec.name, o);
    }
    BERTH_RETURN_IF_ERROR(StopAndRemove(info->id));
    why = "recreated (template or Instance spec changed)";
  } else if (info.status().code() != Code::kNotFound) {
    return info.status();
  } else if (!o->container_id.empty()) {
    why = "recreated (the container was removed)";
  }

  // Containers of this Instance under another name (an older naming) go.
  auto owned = docker_.ListContainers(labels::OwnerFilter(inst.ref()));
  if (owned.ok()) {
    for (const auto& c : *owned) {
      if (labels::OtherCluster(c.labels, opts_.cluster_id)) continue;
      if (c.name != spec.name) BERTH_RETURN_IF_ERROR(StopAndRemove(c.id));
    }
  }
  auto net = docker_.InspectNetwork(d.router->network_name);
  if (!net.ok()) {
    if (net.status().code() == Code::kNotFound) {
      return Status::NotFound("router network " + d.router->network_name + " does not exist yet");
    }
    return net.status();
  }
  BERTH_RETURN_IF_ERROR(EnsureImage(inst, spec.image, d.tmpl->image_pull_secrets));
  BERTH_RETURN_IF_ERROR(WriteFiles(d, r));
  auto id = docker_.CreateContainer(spec);
  if (!id.ok() && id.status().code() == Code::kConflict) {
    auto other = docker_.InspectContainer(spec.name);
    if (other.ok() && OwnedBy(other->labels, inst.ref(), opts_.cluster_id)) {
      BERTH_RETURN_IF_ERROR(StopAndRemove(other->id));
      id = docker_.CreateContainer(spec);
    }
  }
  if (!id.ok()) {
    if (id.status().code() == Code::kNotFound) {
      // The network went away between the check and the create.
      return Status::NotFound(id.status().message());
    }
    return id.status().Prefixed("create container " + spec.name);
  }
  Status st = docker_.StartContainer(*id);
  if (!st.ok()) return st.Prefixed("start container " + spec.name);
  *created = true;
  events_.Record(inst, EventType::kNormal, why == "created" ? "Created" : "Recreated",
                 why == "created" ? "Create" : "Recreate",
                 "container " + spec.name + " " + why + " and started from template " +
                     d.stack_ref.name + "/" + d.tmpl->name);
  return Inspect(spec.name, o);
}

Status InstanceReconciler::RemoveOwnedContainers(const api::ObjectRef& ref,
                                                 const api::Object* inst) {
  BERTH_ASSIGN_OR_RETURN(auto containers, docker_.ListContainers(labels::OwnerFilter(ref)));
  for (const auto& c : containers) {
    if (c.labels.count(labels::kManagedBy) == 0) continue;
    // An Instance gone from this store: only what this store's controllers
    // certainly made (another berth on the engine has Instances this store
    // has never heard of). One being deleted: all but another store's.
    if (inst == nullptr ? !labels::ThisCluster(c.labels, opts_.cluster_id)
                        : labels::OtherCluster(c.labels, opts_.cluster_id)) {
      continue;
    }
    BERTH_RETURN_IF_ERROR(StopAndRemove(c.id));
    if (inst) {
      events_.Record(*inst, EventType::kNormal, "Removed", "Delete", "removed container " + c.name);
    } else {
      spdlog::info("instance {} is gone; removed its container {}", ref.ToString(), c.name);
    }
  }
  return Status::Ok();
}

}  // namespace berth::instance
