// DockerClient: the only way berth's controllers touch a Docker engine.
//
// Every method is a call (or a few) to the Engine API and returns its outcome
// as a Status with a distinct code:
//   engine down / socket missing -> Unavailable   404 -> NotFound
//   409 (name in use, container running, network has endpoints) -> Conflict
//   call timed out -> Timeout   400 -> BadRequest   500 and the rest -> Internal
//   a CancelToken fired -> Cancelled
// The engine's own message is kept in the Status message.
// Implementations are thread-safe: one client is shared by every worker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"
#include "operator/common/status.h"
#include "operator/docker/types.h"

namespace berth::docker {

// Lets another thread stop a long call (logs follow, events, pull, wait).
// Thread-safe; Cancel() is sticky. The call returns Cancelled within ~100 ms.
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> cancelled_{false};
};

// Callbacks run on the calling thread, in stream order. Returning false from a
// bool callback ends the stream early; the call then returns OK.
using LogCallback = std::function<bool(LogStream stream, std::string_view chunk)>;
using PullCallback = std::function<void(const PullProgress& progress)>;
using EventCallback = std::function<bool(const Event& event)>;

class DockerClient {
 public:
  virtual ~DockerClient() = default;

  // ---- engine --------------------------------------------------------------
  // GET /_ping. OK when the engine answers.
  virtual Status Ping() = 0;
  // GET /version; also (re)negotiates the API version used in URLs.
  virtual Result<VersionInfo> Version() = 0;
  // Number of HTTP requests sent to the engine so far (benchmarks). Thread-safe.
  virtual uint64_t calls() const = 0;

  // ---- containers ----------------------------------------------------------
  // All containers (running or not) whose labels match every filter entry.
  virtual Result<std::vector<ContainerSummary>> ListContainers(const LabelFilter& labels) = 0;
  // By id or name. NotFound if there is none.
  virtual Result<ContainerInfo> InspectContainer(const std::string& id_or_name) = 0;
  // Creates (does not start) the container and joins all its networks; returns
  // its id. Conflict if the name is taken; NotFound if the image is missing.
  // If joining a network fails, the half-made container is removed.
  virtual Result<std::string> CreateContainer(const ContainerSpec& spec) = 0;
  // OK if already running.
  virtual Status StartContainer(const std::string& id) = 0;
  // SIGTERM, then SIGKILL after `timeout`. OK if already stopped.
  virtual Status StopContainer(const std::string& id, std::chrono::seconds timeout) = 0;
  // Conflict if the container is not running.
  virtual Status KillContainer(const std::string& id, const std::string& signal) = 0;
  virtual Status RestartContainer(const std::string& id, std::chrono::seconds timeout) = 0;
  // force: kill a running container first; volumes: also its anonymous volumes.
  // Conflict if running and !force; NotFound if gone.
  virtual Status RemoveContainer(const std::string& id, bool force, bool volumes) = 0;
  // The logs written so far, demultiplexed into stdout and stderr. `tail`
  // counts lines of both streams together, in the order the engine logged them.
  virtual Result<LogOutput> Logs(const std::string& id, const LogsOptions& options) = 0;
  // Follows the logs until the container stops, `cb` returns false or `cancel`
  // fires (Cancelled). `cb` gets demultiplexed chunks as they arrive.
  virtual Status FollowLogs(const std::string& id, const LogsOptions& options,
                            const LogCallback& cb, const CancelToken& cancel) = 0;
  // Blocks until the condition holds; returns the exit code. timeout 0 = none
  // (then only `cancel`, if given, ends it early). kNotRunning returns at once
  // for a container that was created but never started.
  virtual Result<int> WaitContainer(const std::string& id, WaitCondition condition,
                                    std::chrono::milliseconds timeout,
                                    const CancelToken* cancel = nullptr) = 0;
  // Runs a command in a running container, attached; returns its exit code and
  // demultiplexed output. Conflict if the container is not running.
  virtual Result<ExecResult> Exec(const std::string& id, const ExecOptions& options) = 0;
  // Extracts a tar of `entries` into directory `dir` (which must exist) of the
  // container. Works on created and stopped containers too.
  virtual Status PutArchive(const std::string& id, const std::string& dir,
                            const std::vector<ArchiveEntry>& entries) = 0;

  // ---- networks ------------------------------------------------------------
  virtual Result<std::vector<NetworkInfo>> ListNetworks(const LabelFilter& labels) = 0;
  virtual Result<NetworkInfo> InspectNetwork(const std::string& id_or_name) = 0;
  // Returns the id. Conflict if the name exists (check_duplicate).
  virtual Result<std::string> CreateNetwork(const NetworkSpec& spec) = 0;
  // Conflict if already connected.
  virtual Status ConnectNetwork(const std::string& network, const std::string& container,
                                const std::vector<std::string>& aliases) = 0;
  virtual Status DisconnectNetwork(const std::string& network, const std::string& container,
                                   bool force) = 0;
  // Conflict if containers are still attached.
  virtual Status RemoveNetwork(const std::string& id_or_name) = 0;

  // ---- volumes -------------------------------------------------------------
  virtual Result<std::vector<VolumeInfo>> ListVolumes(const LabelFilter& labels) = 0;
  virtual Result<VolumeInfo> InspectVolume(const std::string& name) = 0;
  // Idempotent in the engine: creating an existing name returns it unchanged.
  virtual Result<VolumeInfo> CreateVolume(const VolumeSpec& spec) = 0;
  // Conflict if a container uses it.
  virtual Status RemoveVolume(const std::string& name, bool force) = 0;

  // ---- images --------------------------------------------------------------
  virtual Result<ImageInfo> InspectImage(const std::string& name) = 0;
  // Pulls `image` ("repo[:tag]", default tag "latest"), calling `progress` for
  // every progress line. An error line in the stream fails the call (NotFound
  // for unknown images, Unauthorized for refused credentials). timeout 0 = none.
  virtual Status PullImage(const std::string& image, const RegistryAuth* auth,
                           const PullCallback& progress, std::chrono::milliseconds timeout,
                           const CancelToken* cancel = nullptr) = 0;
  virtual Status TagImage(const std::string& source, const std::string& repo,
                          const std::string& tag) = 0;
  // Conflict if a container uses it and !force.
  virtual Status RemoveImage(const std::string& name, bool force) = 0;

  // ---- events --------------------------------------------------------------
  // Streams events until `cb` returns false (OK), `cancel` fires (Cancelled),
  // `options.until` passes (OK) or the connection drops (Unavailable).
  // DockerEventStream (event_stream.h) adds reconnect-and-resume on top.
  virtual Status StreamEvents(const EventsOptions& options, const EventCallback& cb,
                              const CancelToken& cancel) = 0;
};

}  // namespace berth::docker
