#include "controllers/wiring/controllers.h"

#include <unistd.h>

#include "controllers/common/docker_events.h"
#include "controllers/stack/admission.h"
#include "controllers/stack/setup.h"
#include "controllers/wiring/stack_logs.h"
#include "operator/common/log.h"
#include "operator/docker/curl_docker_client.h"
#include "operator/runtime/events.h"
#include "operator/runtime/manager.h"

namespace berth::controllers {
namespace {

class ControllersImpl : public Controllers {
 public:
  ~ControllersImpl() override { Stop(); }

  void Stop() override {
    std::call_once(stopped_, [this] {
      if (manager) manager->Stop();
      if (thread.joinable()) thread.join();
      if (recorder) recorder->Flush(std::chrono::seconds(2));
    });
  }
  bool leading() const override { return manager && manager->IsLeader(); }

  // Destroyed in reverse order: manager (controllers, informers, runnables)
  // before what they use.
  std::unique_ptr<docker::DockerClient> docker;
  std::unique_ptr<runtime::EventRecorder> recorder;
  std::unique_ptr<runtime::Manager> manager;
  std::thread thread;

 private:
  std::once_flag stopped_;
};

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

  auto impl = std::make_unique<ControllersImpl>();
  BERTH_ASSIGN_OR_RETURN(impl->docker, docker::NewCurlDockerClient(config.docker_endpoint));
  docker::DockerClient& docker = *impl->docker;
  server.AddReadinessCheck("docker", [&docker] {
    Status st = docker.Ping();
    return st.ok() ? st : Status::Unavailable("Docker engine unavailable: " + st.message());
  });
  server.SetLogSource(std::make_shared<StackLogs>(registry, docker));
  if (!config.run_controllers) return std::unique_ptr<Controllers>(std::move(impl));

  runtime::EventRecorderOptions ropts;
  ropts.reporting_controller = "berth.dev/controllers";
  ropts.reporting_instance = Hostname();
  impl->recorder = std::make_unique<runtime::EventRecorder>(registry, ropts);

  runtime::ManagerOptions mopts;
  if (config.leader_elect) {
    mopts.leader_election_store = &store;
    mopts.leader_election.identity = config.identity;
  }
  impl->manager = std::make_unique<runtime::Manager>(mopts);
  runtime::Manager& manager = *impl->manager;

  auto events = std::make_unique<DockerEvents>(docker);
  stack::StackControllerSetup s;
  s.registry = &registry;
  s.docker = &docker;
  s.recorder = impl->recorder.get();
  s.docker_events = events.get();
  s.fs = &RealFileSystem();
  s.clock = &RealClock();
  s.options.data_dir = config.data_dir;
  s.options.reporting_instance = ropts.reporting_instance;
  s.workers = config.workers;
  stack::AddStackController(manager, s);
  manager.AddRunnable(std::move(events));

  auto on_fatal = config.on_fatal;
  impl->thread = std::thread([&manager, on_fatal] {
    Status st = manager.Start();
    if (st.code() == Code::kCancelled) return;  // stopped before leading
    if (!st.ok()) {
      spdlog::error("controllers failed to start: {}", st.ToString());
      if (on_fatal) on_fatal(st);
      return;
    }
    spdlog::info("leading: controllers are running");
    st = manager.Wait();
    if (!st.ok()) {
      spdlog::error("controllers stopped: {}", st.ToString());
      if (on_fatal) on_fatal(st);
    }
  });
  return std::unique_ptr<Controllers>(std::move(impl));
}

}  // namespace berth::controllers
