// MockDockerClient: gmock DockerClient for controller unit tests and fault
// injection (engine down, 409 races, timeouts). Prefer StrictMock.
#pragma once

#include <gmock/gmock.h>

#include "operator/docker/docker_client.h"

namespace berth::testing {

class MockDockerClient : public docker::DockerClient {
 public:
  MOCK_METHOD(Status, Ping, (), (override));
  MOCK_METHOD(Result<docker::VersionInfo>, Version, (), (override));
  MOCK_METHOD(uint64_t, calls, (), (const, override));

  MOCK_METHOD(Result<std::vector<docker::ContainerSummary>>, ListContainers,
              (const docker::LabelFilter&), (override));
  MOCK_METHOD(Result<docker::ContainerInfo>, InspectContainer, (const std::string&), (override));
  MOCK_METHOD(Result<std::string>, CreateContainer, (const docker::ContainerSpec&), (override));
  MOCK_METHOD(Status, StartContainer, (const std::string&), (override));
  MOCK_METHOD(Status, StopContainer, (const std::string&, std::chrono::seconds), (override));
  MOCK_METHOD(Status, KillContainer, (const std::string&, const std::string&), (override));
  MOCK_METHOD(Status, RestartContainer, (const std::string&, std::chrono::seconds), (override));
  MOCK_METHOD(Status, RemoveContainer, (const std::string&, bool, bool), (override));
  MOCK_METHOD(Result<docker::LogOutput>, Logs, (const std::string&, const docker::LogsOptions&),
              (override));
  MOCK_METHOD(Status, FollowLogs,
              (const std::string&, const docker::LogsOptions&, const docker::LogCallback&,
               const docker::CancelToken&),
              (override));
  MOCK_METHOD(Result<int>, WaitContainer,
              (const std::string&, docker::WaitCondition, std::chrono::milliseconds,
               const docker::CancelToken*),
              (override));
  MOCK_METHOD(Result<docker::ExecResult>, Exec, (const std::string&, const docker::ExecOptions&),
              (override));
  MOCK_METHOD(Status, PutArchive,
              (const std::string&, const std::string&, const std::vector<docker::ArchiveEntry>&),
              (override));

  MOCK_METHOD(Result<std::vector<docker::NetworkInfo>>, ListNetworks, (const docker::LabelFilter&),
              (override));
  MOCK_METHOD(Result<docker::NetworkInfo>, InspectNetwork, (const std::string&), (override));
  MOCK_METHOD(Result<std::string>, CreateNetwork, (const docker::NetworkSpec&), (override));
  MOCK_METHOD(Status, ConnectNetwork,
              (const std::string&, const std::string&, const std::vector<std::string>&),
              (override));
  MOCK_METHOD(Status, DisconnectNetwork, (const std::string&, const std::string&, bool),
              (override));
  MOCK_METHOD(Status, RemoveNetwork, (const std::string&), (override));

  MOCK_METHOD(Result<std::vector<docker::VolumeInfo>>, ListVolumes, (const docker::LabelFilter&),
              (override));
  MOCK_METHOD(Result<docker::VolumeInfo>, InspectVolume, (const std::string&), (override));
  MOCK_METHOD(Result<docker::VolumeInfo>, CreateVolume, (const docker::VolumeSpec&), (override));
  MOCK_METHOD(Status, RemoveVolume, (const std::string&, bool), (override));

  MOCK_METHOD(Result<docker::ImageInfo>, InspectImage, (const std::string&), (override));
  MOCK_METHOD(Status, PullImage,
              (const std::string&, const docker::RegistryAuth*, const docker::PullCallback&,
               std::chrono::milliseconds, const docker::CancelToken*),
              (override));
  MOCK_METHOD(Status, TagImage, (const std::string&, const std::string&, const std::string&),
              (override));
  MOCK_METHOD(Status, RemoveImage, (const std::string&, bool), (override));

  MOCK_METHOD(Status, StreamEvents,
              (const docker::EventsOptions&, const docker::EventCallback&,
               const docker::CancelToken&),
              (override));
};

}  // namespace berth::testing
