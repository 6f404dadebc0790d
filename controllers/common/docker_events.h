// DockerEvents: one subscription to the Docker engine's event stream that
// wakes the controllers owning the objects events are about.
//
// Container events carry the container's labels: the berth.dev/owner label
// names the owner, whose controller (by owner kind) gets the key enqueued.
// Network events carry no labels, so network names are mapped to owners by
// resolvers the controllers register. Events of objects without berth's
// managed-by label are ignored, and so are those of objects labelled with
// another berth store's cluster id (several stores may share one engine:
// their churn is not ours to reconcile). The event's content is never acted on:
// reconcilers re-read the world (level-triggered).
//
// On every (re)connection, and once at start, every owner of a managed
// container is enqueued, so nothing missed while disconnected (or while berth
// was down: orphans of deleted owners) goes unnoticed.
// Thread-safe; Register* only before Start.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/docker/docker_client.h"
#include "operator/docker/event_stream.h"
#include "operator/runtime/controller.h"
#include "operator/runtime/source.h"

namespace berth::controllers {

class DockerEvents : public runtime::Runnable {
 public:
  using NetworkResolver = std::function<std::optional<api::ObjectRef>(const std::string& name)>;
  using Resync = std::function<void()>;

  // `docker` must outlive this object. `cluster_id`: this store's ("" = accept
  // every cluster's objects).
  explicit DockerEvents(docker::DockerClient& docker, std::string cluster_id = "");
  ~DockerEvents() override;

  // Owners of kind `kind` are enqueued in `controller` (which must outlive this).
  void RegisterOwnerKind(const std::string& kind, runtime::Controller& controller);
  void RegisterNetworkResolver(NetworkResolver resolver);
  // Called on every (re)connection, e.g. to enqueue every object of a kind.
  void RegisterResync(Resync resync);

  std::string name() const override { return "docker-events"; }
  Status Start() override;
  void Stop() override;

  uint64_t delivered() const;

 private:
  void OnEvent(const docker::Event& e);
  void EnqueueAllOwners();
  void Enqueue(const api::ObjectRef& owner);

  docker::DockerClient& docker_;
  std::string cluster_id_;
  std::map<std::string, runtime::Controller*> controllers_;
  std::vector<NetworkResolver> resolvers_;
  std::vector<Resync> resyncs_;
  std::unique_ptr<docker::DockerEventStream> stream_;
};

}  // namespace berth::controllers
