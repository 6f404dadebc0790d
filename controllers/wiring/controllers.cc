#include "controllers/wiring/controllers.h"

#include <unistd.h>

#include "controllers/common/docker_events.h"
#include "controllers/gc/service.h"
#include "controllers/instance/admission.h"
#include "controllers/instance/provision_api.h"
#include "controllers/instance/setup.h"
#include "controllers/provider/admission.h"
#include "controllers/provider/preview_api.h"
#include "controllers/provider/renderer.h"
#include "controllers/provider/status.h"
#include "controllers/stack/admission.h"
#include "controllers/stack/setup.h"
#include "controllers/wiring/stack_logs.h"
#include "operator/common/log.h"
#include "operator/common/strings.h"
#include "operator/docker/curl_docker_client.h"
#include "operator/runtime/events.h"
#include "operator/runtime/manager.h"
#include "operator/runtime/metrics.h"

namespace berth::controllers {
namespace {

class ControllersImpl : public Controllers {
 public:
  ~ControllersImpl() override { Stop(); }

  void Stop() override {
    std::call_once(stopped_, [this] {
      {
        std::lock_guard lock(mu);
        stopping = true;
        if (manager) manager->Stop();
      }
      if (thread.joinable()) thread.join();
      if (gc) gc->Stop();
      std::lock_guard lock(mu);
      manager.reset();
      instances.reset();
      if (recorder) recorder->Flush(std::chrono::seconds(2));
    });
  }
  bool leading() const override {
    std::lock_guard lock(mu);
    return manager && manager->IsLeader();
  }

  // Destroyed in reverse order: manager (controllers, informers, runnables)
  // before what they use.
  std::unique_ptr<docker::DockerClient> docker;
  std::unique_ptr<runtime::EventRecorder> recorder;
  std::unique_ptr<provider::ProviderConfigRenderer> renderer;  // used by the Stack reconciler
  // One campaign's: built anew after a lost lease (a Manager is single-use).
  std::unique_ptr<instance::InstanceController> instances;  // used by the manager's reconcilers
  std::unique_ptr<runtime::Manager> manager;
  mutable std::mutex mu;  // guards manager, instances (the pointers) and stopping
  bool stopping = false;
  std::thread thread;
  // Runs with or without the other controllers: it needs only the store.
  std::unique_ptr<gc::Collector> gc;

 private:
  std::once_flag stopped_;
};

// The store's identity: a UUID under kClusterKey, made by the first server
// to start on the store and shared by every server on it. Every Docker object
// the controllers make is labelled with it (api::labels::kCluster), so several
// berth stores can share one Docker engine without touching each other's.
constexpr std::string_view kClusterKey = "/berth/cluster-id";

Result<std::string> ClusterId(store::Store& store) {
  auto rec = store.Get(kClusterKey);
  if (rec.ok()) return rec->value;
  if (rec.status().code() != Code::kNotFound) return rec.status();
  std::string id = NewUuid();
  auto made = store.Create(kClusterKey, id);
  if (made.ok()) return id;
  if (made.status().code() != Code::kAlreadyExists) return made.status();
  BERTH_ASSIGN_OR_RETURN(auto again, store.Get(kClusterKey));  // another server won the race
  return again.value;
}

std::string Hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "berth";
  return buf;
}

}  // namespace

Result<std::unique_ptr<Controllers>> StartControllers(registry::Registry& registry,
                                                      store::Store& store,
                                                      apiserver::Server& server,
                                                      const ControllersConfig& config) {
  // Admission checks guard the API whether or not this process reconciles.
  registry.AddAdmission("Stack", std::make_shared<stack::StackAdmission>(registry));
  registry.AddAdmission("Stack", std::make_shared<provider::StackProviderAdmission>(registry));
  registry.AddAdmission("Provider", std::make_shared<provider::ProviderAdmission>(registry));
  // `berth diff` of a Provider or Secret: the config files it would change.
  auto preview = std::make_shared<provider::PreviewApi>(registry);
  server.AddRoutes(provider::kPreviewPrefix, {apiserver::Role::kAdmin, apiserver::Role::kEditor},
                   [preview](const apiserver::Request& req) { return preview->Handle(req); });
  registry.AddAdmission("Instance", std::make_shared<instance::InstanceAdmission>(
                                        registry, instance::AdmissionOptions{
                                                      config.instance_quota, config.instance_quotas,
                                                      config.data_dir, &RealFileSystem()}));
  auto provision = std::make_shared<instance::ProvisionApi>(
      registry, instance::ProvisionOptions{config.provision_namespace, config.provision_template});
  server.AddRoutes(instance::kProvisionPrefix,
                   {apiserver::Role::kAdmin, apiserver::Role::kEditor, apiserver::Role::kViewer,
                    apiserver::Role::kProvisioner},
                   [provision](const apiserver::Request& req) { return provision->Handle(req); });

  auto impl = std::make_unique<ControllersImpl>();
  // berth_docker_api_calls_total: every request to the engine, for /metrics
  // (e.g. the Docker API calls an idle resync costs; see bench/stack).
  docker::CurlClientOptions dopts;
  runtime::Counter& docker_calls = runtime::Metrics::Global().GetCounter(
      "berth_docker_api_calls_total", "HTTP requests sent to the Docker engine.");
  dopts.on_request = [&docker_calls] { docker_calls.Inc(); };
  BERTH_ASSIGN_OR_RETURN(impl->docker,
                         docker::NewCurlDockerClient(config.docker_endpoint, std::move(dopts)));
  docker::DockerClient& docker = *impl->docker;
  server.AddReadinessCheck("docker", [&docker] {
    Status st = docker.Ping();
    return st.ok() ? st : Status::Unavailable("Docker engine unavailable: " + st.message());
  });
  server.SetLogSource(std::make_shared<StackLogs>(registry, docker));

  // The garbage collector deletes the dependents of deleted owners and
  // completes Foreground deletions. It touches only the store, so an
  // API-only server (--no-controllers) runs it too: deletion semantics must
  // not depend on Docker controllers being present.
  gc::CollectorOptions gopts;
  gopts.leader_elect = config.leader_elect;
  gopts.identity = config.identity;
  gopts.setup.resync_period = config.resync_period;
  impl->gc = gc::Collector::Start(registry, store, gopts);
  if (!config.run_controllers) return std::unique_ptr<Controllers>(std::move(impl));

  runtime::EventRecorderOptions ropts;
  ropts.reporting_controller = "berth.dev/controllers";
  ropts.reporting_instance = Hostname();
  impl->recorder = std::make_unique<runtime::EventRecorder>(registry, ropts);

  runtime::ManagerOptions mopts;
  if (config.leader_elect) {
    mopts.leader_election_store = &store;
    // One identity for every campaign of this process: a lease it could not
    // release (the store was down) is its own to take back.
    mopts.leader_election.identity =
        config.identity.empty() ? runtime::DefaultIdentity() : config.identity;
  }
  BERTH_ASSIGN_OR_RETURN(std::string cluster_id, ClusterId(store));
  impl->renderer = std::make_unique<provider::ProviderConfigRenderer>(registry);

  // One campaign: a fresh Manager with every controller. Caller holds impl->mu.
  ControllersImpl* c = impl.get();
  auto build = [c, &registry, config, mopts, cluster_id, reporting = ropts.reporting_instance] {
    c->instances.reset();
    c->manager = std::make_unique<runtime::Manager>(mopts);
    runtime::Manager& manager = *c->manager;
    docker::DockerClient& engine = *c->docker;
    auto events = std::make_unique<DockerEvents>(engine, cluster_id);
    stack::StackControllerSetup s;
    s.registry = &registry;
    s.docker = &engine;
    s.recorder = c->recorder.get();
    s.docker_events = events.get();
    s.fs = &RealFileSystem();
    s.clock = &RealClock();
    s.options.data_dir = config.data_dir;
    s.options.reporting_instance = reporting;
    s.options.cluster_id = cluster_id;
    s.workers = config.workers;
    s.renderer = c->renderer.get();
    s.resync_period = config.resync_period;
    stack::AddStackController(manager, s);
    instance::InstanceControllerSetup is;
    is.registry = &registry;
    is.docker = &engine;
    is.recorder = c->recorder.get();
    is.docker_events = events.get();
    is.fs = &RealFileSystem();
    is.clock = &RealClock();
    is.options.data_dir = config.data_dir;
    is.options.cluster_id = cluster_id;
    is.workers = config.instance_workers;
    is.resync_period = config.resync_period;
    c->instances = instance::AddInstanceController(manager, is);
    provider::AddProviderController(manager, registry, RealClock(), 2, config.resync_period);
    manager.AddRunnable(std::move(events));
  };

  // Campaigns until stopped. A lost lease (the store unreachable for longer
  // than the renew deadline, e.g. a PostgreSQL restart) stops every
  // controller — the manager has finished every reconcile when Wait()
  // returns — and then this process campaigns again with a fresh manager,
  // while the API keeps serving. Only other failures to start are fatal.
  auto on_fatal = config.on_fatal;
  impl->thread = std::thread([c, build, on_fatal] {
    for (;;) {
      runtime::Manager* manager;
      {
        std::lock_guard lock(c->mu);
        if (c->stopping) return;
        c->manager.reset();  // the previous campaign's, stopped
        build();
        manager = c->manager.get();
      }
      Status st = manager->Start();
      if (st.code() == Code::kCancelled) return;  // stopped before leading
      if (st.ok()) {
        spdlog::info("leading: controllers are running");
        st = manager->Wait();
        if (st.ok()) return;  // stopped
      }
      if (st.code() != Code::kUnavailable && st.code() != Code::kTimeout) {
        spdlog::error("controllers failed to start: {}", st.ToString());
        if (on_fatal) on_fatal(st);
        return;
      }
      spdlog::warn("controllers stopped: {}; campaigning for the leader lease again",
                   st.ToString());
    }
  });
  return std::unique_ptr<Controllers>(std::move(impl));
}

}  // namespace berth::controllers
