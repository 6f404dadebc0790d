// StackReconciler: drives Docker until it runs what a Stack declares.
//
// One Reconcile: read the Stack (a missing Stack means "remove whatever
// Docker still runs for it"); on deletion, tear down and drop the finalizer;
// otherwise resolve Secrets and Providers, render every service, observe the
// Stack's containers, networks and volumes by their berth labels, plan the
// next wave (plan.h), carry it out (independent services in parallel),
// write status and an Event per action, and requeue while anything is in
// flight. It only ever touches Docker objects carrying the Stack's
// berth.dev/owner label, except external networks (joined) and volumes
// (mounted), which it never creates or removes.
//
// Thread-safe: a controller's workers call Reconcile concurrently for
// different Stacks.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "controllers/stack/plan.h"
#include "controllers/stack/render.h"
#include "controllers/stack/stack_spec.h"
#include "operator/common/clock.h"
#include "operator/common/filesystem.h"
#include "operator/docker/docker_client.h"
#include "operator/registry/registry.h"
#include "operator/runtime/events.h"
#include "operator/runtime/reconciler.h"

namespace berth::stack {

inline constexpr const char* kFinalizer = "berth.dev/stack-cleanup";
// Set on a Stack (by `berth delete --purge-volumes` or by hand) to remove its
// named volumes and relative bind data on deletion too.
inline constexpr const char* kPurgeAnnotation = "berth.dev/purge-volumes";

// Renders `render:` configFiles (provider configs, e.g. uni-api's api.yaml).
// Implemented by the provider controller; without one such files fail to
// render and their service stays Pending.
class ConfigRenderer {
 public:
  virtual ~ConfigRenderer() = default;
  // The file content for Stack namespace `ns`. Must not contain anything the
  // caller may not mount into the container; it is written 0444 on the host.
  virtual Result<std::string> Render(const std::string& ns, const ConfigFileSpec& file) = 0;
  // "uid/generation" of every object the rendering read, for the spec hash.
  virtual std::string Version(const std::string& ns, const ConfigFileSpec& file) = 0;
};

struct StackControllerOptions {
  std::string data_dir;  // stacks/<ns>/<name>/ and secrets/<ns>/<name>/ live below it
  int parallelism = 8;   // container actions run at once within one Stack
  std::chrono::seconds pull_timeout{600};
  std::string reporting_instance;
  // The store's identity, put on every Docker object (labels::kCluster): the
  // objects of another berth store on the same engine are never observed,
  // adopted or removed as orphans. Empty: unscoped (one berth per engine).
  std::string cluster_id;
};

class StackReconciler : public runtime::Reconciler {
 public:
  // Every collaborator must outlive the reconciler. `renderer` may be null.
  StackReconciler(registry::Registry& registry, docker::DockerClient& docker,
                  runtime::EventRecorder& events, FileSystem& fs, Clock& clock,
                  StackControllerOptions options, ConfigRenderer* renderer = nullptr);

  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request) override;

  // The Stack that owns the Docker network `name`, as last observed; for
  // network events, whose attributes carry no labels. Thread-safe.
  std::optional<api::ObjectRef> NetworkOwner(const std::string& name) const;

  // Host directories of a Stack.
  std::string StackDir(const api::ObjectRef& ref) const;
  std::string SecretsDir(const api::ObjectRef& ref) const;

 private:
  struct Resolved;  // resolve.cc
  struct Outcome;   // executor.cc

  Result<runtime::ReconcileResult> ReconcileLive(api::Object stack);
  Status Finalize(const api::Object& stack);
  // Removes every container and network labelled as owned by `ref` (volumes
  // too with `purge`). Used on deletion and for orphans of vanished Stacks.
  Status TearDown(const api::ObjectRef& ref, bool purge, const api::Object* stack);

  // resolve.cc
  Resolved Resolve(const api::ObjectRef& ref, const StackSpec& spec);
  // observe.cc
  Result<Observed> Observe(const api::ObjectRef& ref, const StackSpec& spec,
                           const std::map<std::string, std::string>& network_names,
                           const std::map<std::string, std::string>& volume_names);
  // executor.cc
  Outcome Execute(const api::Object& stack, const StackSpec& spec, const Plan& plan,
                  const std::map<std::string, RenderedService>& rendered,
                  const std::map<std::string, std::string>& hashes,
                  const std::map<std::string, std::string>& network_names,
                  const std::map<std::string, std::string>& volume_names);
  Status CreateService(const api::Object& stack, const StackSpec& spec, const ServiceSpec& svc,
                       const Action& action, const RenderedService& rendered,
                       const std::string& hash);
  // Pulls svc.image when its imagePullPolicy asks, with the credentials of
  // spec.imagePullSecrets (pull_auth.h); Pulling / Pulled / PullFailed Events.
  Status EnsureImage(const api::Object& stack, const StackSpec& spec, const ServiceSpec& svc);
  Status RemoveContainer(const std::string& id, std::chrono::seconds grace);

  registry::Registry& registry_;
  docker::DockerClient& docker_;
  runtime::EventRecorder& events_;
  FileSystem& fs_;
  Clock& clock_;
  StackControllerOptions opts_;
  ConfigRenderer* renderer_;

  mutable std::mutex mu_;
  std::map<std::string, api::ObjectRef> network_owner_;  // Docker network name -> Stack
};

}  // namespace berth::stack
