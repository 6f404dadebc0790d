// CurlDockerClient: DockerClient over HttpTransport. Internal to berth_docker;
// users get one from NewCurlDockerClient (curl_docker_client.h). Its methods
// live in one file per concern: curl_client.cc (engine, plumbing),
// containers.cc, container_io.cc (logs, wait, exec, archive), networks.cc
// (networks and volumes), images.cc, events.cc.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "operator/docker/curl_docker_client.h"
#include "operator/docker/docker_client.h"
#include "operator/docker/http.h"

namespace berth::docker::internal {

class CurlDockerClient final : public DockerClient {
 public:
  CurlDockerClient(Endpoint endpoint, CurlClientOptions options);

  Status Ping() override;
  Result<VersionInfo> Version() override;
  uint64_t calls() const override { return http_.calls(); }

  Result<std::vector<ContainerSummary>> ListContainers(const LabelFilter& labels) override;
  Result<ContainerInfo> InspectContainer(const std::string& id_or_name) override;
  Result<std::string> CreateContainer(const ContainerSpec& spec) override;
  Status StartContainer(const std::string& id) override;
  Status StopContainer(const std::string& id, std::chrono::seconds timeout) override;
  Status KillContainer(const std::string& id, const std::string& signal) override;
  Status RestartContainer(const std::string& id, std::chrono::seconds timeout) override;
  Status RemoveContainer(const std::string& id, bool force, bool volumes) override;
  Result<LogOutput> Logs(const std::string& id, const LogsOptions& options) override;
  Status FollowLogs(const std::string& id, const LogsOptions& options, const LogCallback& cb,
                    const CancelToken& cancel) override;
  Result<int> WaitContainer(const std::string& id, WaitCondition condition,
                            std::chrono::milliseconds timeout, const CancelToken* cancel) override;
  Result<ExecResult> Exec(const std::string& id, const ExecOptions& options) override;
  Status PutArchive(const std::string& id, const std::string& dir,
                    const std::vector<ArchiveEntry>& entries) override;

  Result<std::vector<NetworkInfo>> ListNetworks(const LabelFilter& labels) override;
  Result<NetworkInfo> InspectNetwork(const std::string& id_or_name) override;
  Result<std::string> CreateNetwork(const NetworkSpec& spec) override;
  Status ConnectNetwork(const std::string& network, const std::string& container,
                        const std::vector<std::string>& aliases) override;
  Status DisconnectNetwork(const std::string& network, const std::string& container,
                           bool force) override;
  Status RemoveNetwork(const std::string& id_or_name) override;

  Result<std::vector<VolumeInfo>> ListVolumes(const LabelFilter& labels) override;
  Result<VolumeInfo> InspectVolume(const std::string& name) override;
  Result<VolumeInfo> CreateVolume(const VolumeSpec& spec) override;
  Status RemoveVolume(const std::string& name, bool force) override;

  Result<ImageInfo> InspectImage(const std::string& name) override;
  Status PullImage(const std::string& image, const RegistryAuth* auth, const PullCallback& progress,
                   std::chrono::milliseconds timeout, const CancelToken* cancel) override;
  Status TagImage(const std::string& source, const std::string& repo,
                  const std::string& tag) override;
  Status RemoveImage(const std::string& name, bool force) override;

  Status StreamEvents(const EventsOptions& options, const EventCallback& cb,
                      const CancelToken& cancel) override;

 private:
  // Sends `req` with its path prefixed by the negotiated "/v1.xx" (negotiating
  // first if needed). Returns the response whatever its HTTP status.
  Result<HttpResponse> Send(HttpRequest req, const BodySink* sink = nullptr);
  // Sends and expects a 2xx (304 too when `not_modified_ok`); the parsed JSON
  // body (null if empty), or the engine's error as a Status.
  Result<nlohmann::json> Json(std::string method, std::string path, std::string body = "",
                              bool not_modified_ok = false);
  Status NoContent(std::string method, std::string path, std::string body = "",
                   bool not_modified_ok = false,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));
  // Fetches /version once and remembers the URL prefix; retried after failure.
  Status Negotiate();

  HttpTransport http_;
  CurlClientOptions options_;
  std::mutex mu_;
  std::string prefix_;  // "/v1.41" once negotiated; guarded by mu_
};

// "/containers/" + escaped id, etc.: escapes one path segment.
std::string Seg(std::string_view s);

}  // namespace berth::docker::internal
