// InstanceReconciler: runs one user's app container from a Stack template and
// routes <slug>.<baseDomain> to it through the Stack's nginx router.
//
// One Reconcile: read the Instance (missing: remove containers still labelled
// as its own); on deletion remove the route (nginx -t, reload), the container
// and the config/secret files, the data directory only with the
// berth.dev/purge-data annotation, then drop the finalizer. Otherwise read
// the Stack, template and router; resolve env references and render the
// Provider's config.json (written by directory, 0700 parent, never logged);
// create, start or recreate the container (berth labels, spec hash) so it
// matches; restart it (docker restart) when only its config changed; once
// it runs and is healthy, write its conf.d file through RouterFiles; write
// status and an Event per action. Level-triggered and idempotent; Docker
// events and Stack/Provider/Secret changes requeue it.
// Thread-safe: workers reconcile different Instances concurrently.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "controllers/instance/render.h"
#include "controllers/instance/status.h"
#include "controllers/instance/template.h"
#include "controllers/router/router_files.h"
#include "operator/common/clock.h"
#include "operator/common/filesystem.h"
#include "operator/docker/docker_client.h"
#include "operator/registry/registry.h"
#include "operator/runtime/events.h"
#include "operator/runtime/reconciler.h"

namespace berth::instance {

inline constexpr const char* kFinalizer = "berth.dev/instance-cleanup";
// "true" on an Instance (set by DELETE ...?purge=true or by hand) removes its
// data directory on deletion too.
inline constexpr const char* kPurgeAnnotation = "berth.dev/purge-data";

struct InstanceControllerOptions {
  std::string data_dir;  // instances/<ns>/<slug>/ and stacks/<ns>/<stack>/ live below it
  // The store's identity, put on every container (labels::kCluster): the
  // containers of another berth store's Instances on the same engine are
  // never touched, even when this store has no Instance of that name.
  std::string cluster_id;
  std::chrono::seconds stop_grace{10};
  std::chrono::milliseconds pull_timeout{600000};
};

class InstanceReconciler : public runtime::Reconciler {
 public:
  // Every collaborator must outlive the reconciler.
  InstanceReconciler(registry::Registry& registry, docker::DockerClient& docker,
                     runtime::EventRecorder& events, FileSystem& fs, Clock& clock,
                     router::RouterFiles& router_files, InstanceControllerOptions options);

  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request) override;

 private:
  struct Desired;  // load.cc

  Result<runtime::ReconcileResult> ReconcileLive(const api::Object& inst);
  Status Finalize(const api::Object& inst);
  Status RemoveOwnedContainers(const api::ObjectRef& ref, const api::Object* inst);

  // load.cc: everything the Instance asks for, read through the registry.
  Desired Load(const api::Object& inst);
  void ResolveEnv(const std::string& ns, const std::map<std::string, stack::EnvSource>& env,
                  stack::RenderInputs* refs);
  void RenderConfig(const api::Object& inst, Desired* d);

  // container.cc: the container as rendered, running. Sets the observation's
  // container fields; `created` when it was (re)created by this call.
  Status EnsureContainer(const api::Object& inst, const Desired& d, const RenderedInstance& r,
                         Observation* o, bool* created);
  // Pulls `image` when missing, with the Stack's imagePullSecrets (stack/pull_auth.h).
  Status EnsureImage(const api::Object& inst, const std::string& image,
                     const std::vector<std::string>& pull_secrets);
  Status WriteFiles(const Desired& d, const RenderedInstance& r);
  // Writes (or removes) config.json; true when its content changed.
  Result<bool> WriteConfig(const Desired& d);
  Status StopAndRemove(const std::string& id);
  Status Inspect(const std::string& name, Observation* o);

  // route.cc
  void EnsureRoute(const api::Object& inst, const Desired& d, Observation* o);
  // Removes the Instance's route file; through nginx when its router runs.
  Status RemoveRoute(const api::Object& inst, const std::string& path,
                     const std::optional<router::RouterTarget>& target);
  Result<std::optional<router::RouterTarget>> RouterTargetFor(const api::ObjectRef& stack,
                                                              const RouterInfo& router);

  registry::Registry& registry_;
  docker::DockerClient& docker_;
  runtime::EventRecorder& events_;
  FileSystem& fs_;
  Clock& clock_;
  router::RouterFiles& router_files_;
  InstanceControllerOptions opts_;
};

}  // namespace berth::instance
