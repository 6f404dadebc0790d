#include "controllers/common/docker_events.h"

#include "operator/api/labels.h"
#include "operator/common/log.h"

namespace berth::controllers {
namespace labels = api::labels;

DockerEvents::DockerEvents(docker::DockerClient& docker, std::string cluster_id)
    : docker_(docker), cluster_id_(std::move(cluster_id)) {}

DockerEvents::~DockerEvents() {
  Stop();
}

void DockerEvents::RegisterOwnerKind(const std::string& kind, runtime::Controller& controller) {
  controllers_[kind] = &controller;
}

void DockerEvents::RegisterNetworkResolver(NetworkResolver resolver) {
  resolvers_.push_back(std::move(resolver));
}

void DockerEvents::RegisterResync(Resync resync) {
  resyncs_.push_back(std::move(resync));
}

void DockerEvents::Enqueue(const api::ObjectRef& owner) {
  auto it = controllers_.find(owner.kind);
  if (it != controllers_.end()) it->second->Enqueue(owner);
}

void DockerEvents::EnqueueAllOwners() {
  auto containers = docker_.ListContainers(labels::ManagedFilter());
  if (!containers.ok()) {
    spdlog::warn("docker events: listing managed containers: {}", containers.status().ToString());
  } else {
    for (const auto& c : *containers) {
      if (labels::OtherCluster(c.labels, cluster_id_)) continue;
      auto owner = runtime::OwnerFromLabels(c.labels);
      if (owner.ok() && *owner) Enqueue(**owner);
    }
  }
  auto networks = docker_.ListNetworks(labels::ManagedFilter());
  if (networks.ok()) {
    for (const auto& n : *networks) {
      if (labels::OtherCluster(n.labels, cluster_id_)) continue;
      auto owner = runtime::OwnerFromLabels(n.labels);
      if (owner.ok() && *owner) Enqueue(**owner);
    }
  }
  for (const auto& r : resyncs_) r();
}

void DockerEvents::OnEvent(const docker::Event& e) {
  if (e.type == "container") {
    if (e.action.starts_with("exec_")) return;  // healthchecks: noise
    if (labels::OtherCluster(e.attributes, cluster_id_)) return;
    auto owner = runtime::OwnerFromLabels(e.attributes);
    if (owner.ok() && *owner) Enqueue(**owner);
  } else if (e.type == "network") {
    auto name = e.attributes.find("name");
    if (name == e.attributes.end()) return;
    for (const auto& r : resolvers_) {
      if (auto owner = r(name->second)) Enqueue(*owner);
    }
  }
}

Status DockerEvents::Start() {
  docker::DockerEventStream::Options opts;
  opts.events.filters = {{"type", {"container", "network"}}};
  opts.on_connect = [this] { EnqueueAllOwners(); };
  opts.on_disconnect = [](const Status& st) {
    spdlog::warn("docker events: stream ended ({}); reconnecting", st.ToString());
  };
  stream_ = std::make_unique<docker::DockerEventStream>(
      docker_, std::move(opts), [this](const docker::Event& e) { OnEvent(e); });
  stream_->Start();
  return Status::Ok();
}

void DockerEvents::Stop() {
  if (stream_) stream_->Stop();
}

uint64_t DockerEvents::delivered() const {
  return stream_ ? stream_->delivered() : 0;
}

}  // namespace berth::controllers
