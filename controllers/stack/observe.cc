// Observing what Docker runs for a Stack, by its berth labels.
#include "controllers/stack/reconciler.h"
#include "operator/api/labels.h"
#include "operator/common/time_format.h"

namespace berth::stack {
namespace {

namespace labels = api::labels;

std::chrono::system_clock::time_point Time(const std::string& s) {
  if (s.empty()) return {};
  auto t = ParseRfc3339(s);
  return t ? *t : std::chrono::system_clock::time_point{};
}

std::string Label(const docker::Labels& l, const char* key) {
  auto it = l.find(key);
  return it == l.end() ? "" : it->second;
}

}  // namespace

Result<Observed> StackReconciler::Observe(const api::ObjectRef& ref, const StackSpec& spec,
                                          const std::map<std::string, std::string>& network_names,
                                          const std::map<std::string, std::string>& volume_names) {
  Observed obs;
  BERTH_ASSIGN_OR_RETURN(auto containers, docker_.ListContainers(labels::OwnerFilter(ref)));
  for (const docker::ContainerSummary& summary : containers) {
    auto info = docker_.InspectContainer(summary.id);
    if (!info.ok()) {
      if (info.status().code() == Code::kNotFound) continue;  // removed meanwhile
      return info.status();
    }
    // Belt and braces: the filter asked for it, but never act on a container
    // that does not carry berth's label.
    if (Label(info->labels, labels::kManagedBy) != labels::kManagedByValue) continue;
    // A same-named Stack of another berth store on this engine: not ours.
    if (labels::OtherCluster(info->labels, opts_.cluster_id)) continue;
    ObservedContainer c;
    c.id = info->id;
    c.name = info->name;
    c.service = Label(info->labels, labels::kService);
    c.hash = Label(info->labels, labels::kSpecHash);
    c.state = info->state.status;
    c.health = info->state.health;
    c.exit_code = info->state.exit_code;
    c.started_at = Time(info->state.started_at);
    c.finished_at = Time(info->state.finished_at);
    c.restart_count = info->restart_count;
    for (const auto& [net, attach] : info->networks) c.networks.insert(net);
    obs.containers.push_back(std::move(c));
  }

  BERTH_ASSIGN_OR_RETURN(auto networks, docker_.ListNetworks(labels::OwnerFilter(ref)));
  for (const docker::NetworkInfo& n : networks) {
    if (Label(n.labels, labels::kManagedBy) != labels::kManagedByValue) continue;
    if (labels::OtherCluster(n.labels, opts_.cluster_id)) continue;
    std::string key = Label(n.labels, labels::kNetwork);
    ObservedNetwork on{n.id, n.name, n.internal};
    auto decl = spec.networks.find(key);
    if (decl != spec.networks.end() && !decl->second.external && !obs.networks.count(key)) {
      obs.networks[key] = on;
    } else {
      obs.stray_networks.push_back(on);
    }
    std::lock_guard lock(mu_);
    network_owner_[n.name] = ref;
  }
  for (const auto& [key, decl] : spec.networks) {
    if (!decl.external) continue;
    const std::string& name = network_names.at(key);
    auto n = docker_.InspectNetwork(name);
    if (n.ok()) {
      obs.external_networks.insert(name);
    } else if (n.status().code() != Code::kNotFound) {
      return n.status();
    }
  }

  BERTH_ASSIGN_OR_RETURN(auto volumes, docker_.ListVolumes(labels::OwnerFilter(ref)));
  for (const docker::VolumeInfo& v : volumes) {
    if (!labels::OtherCluster(v.labels, opts_.cluster_id)) obs.volumes.insert(v.name);
  }
  for (const auto& [key, decl] : spec.volumes) {
    const std::string& name = volume_names.at(key);
    if (obs.volumes.count(name)) continue;
    auto v = docker_.InspectVolume(name);
    if (v.ok()) {
      // A volume of this name exists but is not ours: use it only when the
      // Stack declares it external; otherwise it is a conflict (executor).
      if (decl.external) obs.volumes.insert(name);
    } else if (v.status().code() != Code::kNotFound) {
      return v.status();
    }
  }
  return obs;
}

std::optional<api::ObjectRef> StackReconciler::NetworkOwner(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = network_owner_.find(name);
  if (it == network_owner_.end()) return std::nullopt;
  return it->second;
}

}  // namespace berth::stack
