// `berth serve`: opens the store, builds the registry, makes sure an admin
// token exists, runs the API server (and, once wired, the controllers) until
// SIGTERM/SIGINT, then shuts down in order.
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "controllers/wiring/controllers.h"
#include "operator/api/catalog.h"
#include "operator/apiserver/auth.h"
#include "operator/apiserver/listener.h"
#include "operator/apiserver/server.h"
#include "operator/common/filesystem.h"
#include "operator/common/log.h"
#include "operator/registry/registry.h"
#include "operator/secrets/admission.h"
#include "operator/secrets/key_source.h"
#include "operator/serve/options.h"
#include "operator/serve/serve_internal.h"
#include "operator/store/store.h"

namespace berth::serve {
namespace {

std::string HomeDir() {
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return h;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr) return pw->pw_dir;
  return "/tmp";
}

// Blocks SIGINT/SIGTERM in this thread and every thread it starts later, so
// that WaitForSignal can take them with sigwait.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a vanished client must not kill the server
  return set;
}

int WaitForSignal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace

std::string DefaultDataDir() {
  if (::geteuid() == 0) return "/var/lib/berth";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/berth";
  }
  return HomeDir() + "/.local/share/berth";
}

std::string DefaultServer() {
  return "http://127.0.0.1:7443";
}

std::string StoreUrlFor(const Options& options, const std::string& data_dir) {
  if (!options.store_url.empty()) return options.store_url;
  return "sqlite://" + data_dir + "/berth.db";
}

Result<bool> EnsureAdminToken(apiserver::TokenStore& tokens, FileSystem& fs,
                              const std::string& data_dir) {
  BERTH_ASSIGN_OR_RETURN(bool empty, tokens.Empty());
  if (!empty) return false;
  auto token = tokens.Create("admin", apiserver::Role::kAdmin);
  if (!token.ok()) {
    // Another server on the same store won the race: its token stands.
    if (token.status().code() == Code::kAlreadyExists) return false;
    return token.status();
  }
  std::string path = data_dir + "/admin.token";
  Status st = fs.WriteFileAtomic(path, *token + "\n", 0600);
  if (!st.ok()) {
    // Without the file nobody could use the token: take it back.
    (void)tokens.Delete("admin");
    return st.Prefixed("writing " + path);
  }
  return true;
}

namespace {
std::unique_ptr<controllers::Controllers> g_controllers;
std::atomic<int> g_exit_code{0};
}  // namespace

Status StartControllers(registry::Registry& registry, apiserver::Server& server,
                        const Options& options) {
  controllers::ControllersConfig cfg;
  cfg.data_dir = options.data_dir.empty() ? DefaultDataDir() : options.data_dir;
  cfg.docker_endpoint = options.docker;
  cfg.identity = options.identity;
  cfg.leader_elect = options.leader_elect;
  cfg.run_controllers = options.controllers;
  cfg.workers = options.workers;
  cfg.provision_namespace = options.provision_namespace;
  cfg.provision_template = options.provision_template;
  cfg.instance_quota = options.instance_quota;
  cfg.instance_quotas = options.instance_quotas;
  cfg.resync_period = options.resync_period;
  cfg.on_fatal = [](const Status& st) {
    // The controllers could not start (a lost leader lock is not fatal: they
    // campaign again): shut down and exit non-zero.
    g_exit_code = 1;
    ::kill(::getpid(), SIGTERM);
  };
  BERTH_ASSIGN_OR_RETURN(g_controllers,
                         controllers::StartControllers(registry, registry.store(), server, cfg));
  return Status::Ok();
}

void StopControllers() {
  if (g_controllers) g_controllers->Stop();
  g_controllers.reset();
}

int Run(const Options& options) {
  sigset_t stop_signals = BlockStopSignals();
  InitLogging(options.log_level);
  // Before anything touches cpprest: long-lived watches run on their own
  // threads, so the pool only serves short requests.
  apiserver::InitializeThreadPool(static_cast<size_t>(std::max(4, options.api_threads)));

  std::error_code ec;
  std::string data_dir = options.data_dir.empty() ? DefaultDataDir() : options.data_dir;
  data_dir = std::filesystem::absolute(data_dir, ec).lexically_normal().string();
  if (!data_dir.empty() && data_dir.size() > 1 && data_dir.back() == '/') data_dir.pop_back();
  FileSystem& fs = RealFileSystem();
  if (Status st = fs.MakeDirs(data_dir, 0700); !st.ok()) {
    spdlog::error("cannot create the data dir {}: {}", data_dir, st.ToString());
    return 1;
  }
  std::string store_url = StoreUrlFor(options, data_dir);
  auto store = store::Open(store_url);
  if (!store.ok()) {
    spdlog::error("cannot open the store {}: {}", store::RedactUrl(store_url),
                  store.status().ToString());
    return 1;
  }
  // Keep the newest 10,000 revisions of history for watches to resume from;
  // a watch from further back gets 410 Gone and re-lists, as in Kubernetes.
  auto compactor = store::StartCompactor(**store, 10000, std::chrono::minutes(5));
  registry::Registry registry(**store, api::Catalog::Builtin());
  auto keys = secrets::LoadKeys(secrets::KeySourceFromEnv(data_dir));
  if (!keys.ok()) {
    spdlog::error("cannot load the Secret encryption key: {}", keys.status().ToString());
    return 1;
  }
  spdlog::info("Secrets are encrypted at rest (AES-256-GCM, key {} from {}{})",
               keys->ring.primary().id, keys->origin, keys->created ? ", created now" : "");
  secrets::InstallSecrets(registry, std::move(keys->ring));
  apiserver::TokenStore tokens(**store);
  auto created = EnsureAdminToken(tokens, fs, data_dir);
  if (!created.ok()) {
    spdlog::error("cannot create the admin token: {}", created.status().ToString());
    return 1;
  }

  apiserver::ServerOptions sopts;
  sopts.listen = options.listen;
  sopts.tls_cert = options.tls_cert;
  sopts.tls_key = options.tls_key;
  apiserver::Server server(registry, tokens, sopts);
  Options effective = options;
  effective.data_dir = data_dir;
  if (Status st = StartControllers(registry, server, effective); !st.ok()) {
    spdlog::error("cannot start the controllers: {}", st.ToString());
    return 1;
  }
  if (Status st = server.Start(); !st.ok()) {
    spdlog::error("cannot start the API server: {}", st.ToString());
    StopControllers();
    return 1;
  }
  spdlog::info("berth serve: api={} store={} ({}) data-dir={} tls={} docker={} controllers={}",
               server.url(), store::RedactUrl(store_url), (*store)->Backend(), data_dir,
               options.tls_cert.empty() ? "off" : "on", options.docker,
               options.controllers ? "on" : "off");
  if (*created) spdlog::info("first start: admin token written to {}/admin.token", data_dir);

  int sig = WaitForSignal(stop_signals);
  spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();      // stop accepting, end watches
  StopControllers();  // then the controllers
  compactor.reset();  // then compaction
  store->reset();     // then the store
  spdlog::info("berth serve stopped");
  return g_exit_code.load();
}

}  // namespace berth::serve
