// End-to-end support for Stacks: a `berth serve` WITH controllers (the
// CLI's BerthEnv runs API-only servers), a Docker client for what a user
// would do with `docker` (exec, rm -f, inspect) and for cleanup, a recorder
// of the engine's container events (the containers' own start / healthy /
// exit timestamps), and helpers to load and change the manifests under
// manifests/. Builds on cli_e2e_support.h (Process, TempDir, PgDatabase,
// Http, FreePort). Test-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "operator/docker/docker_client.h"
#include "operator/docker/event_stream.h"
#include "test/e2e/cli_e2e_support.h"

namespace berth::e2e {

using nlohmann::json;

// Polls `cond` every `step` until it holds or `limit` passes.
bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit,
                std::chrono::milliseconds step = std::chrono::milliseconds(50));

// <source>/manifests/<rel>.
std::string ManifestPath(const std::string& rel);

// Parses a multi-document manifest, lets `edit` change each document (JSON),
// and returns the documents as YAML again. For variants of the manifests
// (a failing pg_init, a changed env) without copies of them.
std::string EditManifest(const std::string& yaml, const std::function<void(json& doc)>& edit);

// The Docker engine, as the tests use it.
class DockerEnv {
 public:
  DockerEnv();
  ~DockerEnv();  // removes the networks this object created
  // Connects; the reason to skip when no engine answers or an image is missing.
  std::optional<std::string> Connect(const std::vector<std::string>& images);
  docker::DockerClient& client() { return *client_; }

  // Creates the network `name` (labelled berth.dev/test=1) unless it exists,
  // e.g. 1panel-network, which berth only joins.
  bool EnsureNetwork(const std::string& name);
  // Removes every container, network and volume berth made for
  // Stack/default/<stack> (by berth's owner label), and containers labelled
  // berth.dev/test=1 with one of `names` (leftovers of bench runs).
  void CleanStack(const std::string& stack, const std::vector<std::string>& names = {});

  std::optional<docker::ContainerInfo> Inspect(const std::string& name_or_id);
  // Runs `cmd` in a running container: exit code and output (out + err).
  std::pair<int, std::string> Exec(const std::string& container,
                                   const std::vector<std::string>& cmd);
  bool VolumeExists(const std::string& name);
  bool NetworkExists(const std::string& name);
  // Containers / networks / volumes carrying berth's owner label for the Stack.
  size_t OwnedContainers(const std::string& stack);
  size_t OwnedNetworks(const std::string& stack);
  std::vector<std::string> OwnedVolumes(const std::string& stack);

 private:
  std::unique_ptr<docker::DockerClient> client_;
  std::vector<std::string> created_networks_;
};

// The engine's container events for one Stack, recorded from Start() on.
class ContainerTimeline {
 public:
  struct Times {
    std::string service;
    std::vector<int64_t> start;    // timeNano of each `start`
    std::vector<int64_t> healthy;  // of each `health_status: healthy`
    std::vector<int64_t> exit0;    // of each `die` with exitCode 0
    std::vector<int64_t> die;      // of each `die`
  };
  ContainerTimeline(docker::DockerClient& client, const std::string& stack);
  ~ContainerTimeline();
  // Subscribes; returns once the stream is connected (false on timeout).
  bool Start();
  void Stop();
  // By container id.
  std::map<std::string, Times> ByContainer() const;
  // Events seen so far, one line each, for failure messages.
  std::string Dump() const;

 private:
  docker::DockerClient& client_;
  std::string owner_;
  std::unique_ptr<docker::DockerEventStream> stream_;
  mutable std::mutex mu_;
  std::map<std::string, Times> times_;
  std::vector<std::string> lines_;
};

// One `berth serve` with its controllers, driven with the `berth` CLI.
class StackServer {
 public:
  struct Options {
    std::string data_dir;   // default: <dir>/data
    std::string store_url;  // default: sqlite in the data dir
    std::vector<std::string> extra_args;
  };
  explicit StackServer(std::string dir) : dir_(std::move(dir)) {}
  ~StackServer();  // SIGTERM, then SIGKILL

  // Starts it and waits for /readyz; a reason on failure.
  std::optional<std::string> Start(const Options& options = {});
  // Waits until its log says it leads (runs the controllers).
  bool WaitLeading(std::chrono::seconds limit);
  bool Leading() const;
  void Kill9();
  int Terminate();

  // `berth ARGS` with BERTH_SERVER / BERTH_TOKEN in the environment.
  RunResult Berth(std::vector<std::string> args, const std::string& stdin_text = "");
  // A long-running `berth ARGS` (get -w, logs -f).
  std::unique_ptr<Process> Spawn(std::vector<std::string> args);
  // `berth apply -f -` of `yaml`.
  RunResult Apply(const std::string& yaml);
  // `berth get KIND NAME -o json`; null when it fails.
  json Get(const std::string& kind, const std::string& name);

  int port() const { return port_; }
  int pid() const { return pid_; }
  const std::string& token() const { return token_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string log() const;

 private:
  std::map<std::string, std::string> Env() const;
  std::string dir_, data_dir_, token_;
  int port_ = 0;
  int pid_ = -1;
  std::unique_ptr<Process> proc_;
};

}  // namespace berth::e2e
