// DockerClient errors come back as distinct Status codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "operator/docker/curl_docker_client.h"
#include "test/docker/docker_fixture.h"

namespace berth::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class DockerErrors : public DockerTest {};

TEST_F(DockerErrors, NotFoundForMissingObjects) {
  std::string missing = Name("missing");
  auto c = client().InspectContainer(missing);
  EXPECT_EQ(c.status().code(), Code::kNotFound) << c.status().ToString();
  EXPECT_THAT(c.status().message(), HasSubstr("No such container"));
  EXPECT_EQ(client().StartContainer(missing).code(), Code::kNotFound);
  EXPECT_EQ(client().RemoveContainer(missing, true, false).code(), Code::kNotFound);
  EXPECT_EQ(client().InspectNetwork(missing).status().code(), Code::kNotFound);
  EXPECT_EQ(client().InspectVolume(missing).status().code(), Code::kNotFound);
  EXPECT_EQ(client().InspectImage("berth-test/" + missing + ":1").status().code(), Code::kNotFound);
  docker::ContainerSpec spec;
  spec.image = "berth-test/" + missing + ":1";
  spec.name = Name("noimage");
  EXPECT_EQ(client().CreateContainer(spec).status().code(), Code::kNotFound);
}

TEST_F(DockerErrors, ConflictForDuplicatesAndRunningContainers) {
  if (!RequireImage(kBusybox)) return;
  auto spec = Busybox("dup", {"sleep", "1000"});
  std::string id = Run(spec);
  ASSERT_FALSE(id.empty());
  auto dup = client().CreateContainer(spec);
  EXPECT_EQ(dup.status().code(), Code::kConflict) << dup.status().ToString();
  EXPECT_THAT(dup.status().message(), HasSubstr("already in use"));
  EXPECT_EQ(client().RemoveContainer(id, false, false).code(), Code::kConflict)
      << "a running container needs force";
  ASSERT_TRUE(client().StopContainer(id, 0s).ok());
  EXPECT_EQ(client().KillContainer(id, "SIGTERM").code(), Code::kConflict) << "not running";
}

TEST_F(DockerErrors, TimeoutForACallThatTakesTooLong) {
  if (!RequireImage(kBusybox)) return;
  std::string id = Run(Busybox("slow", {"sleep", "1000"}));
  ASSERT_FALSE(id.empty());
  auto started = std::chrono::steady_clock::now();
  auto w = client().WaitContainer(id, docker::WaitCondition::kNotRunning, 300ms);
  EXPECT_EQ(w.status().code(), Code::kTimeout) << w.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);

  docker::CancelToken cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(200ms);
    cancel.Cancel();
  });
  w = client().WaitContainer(id, docker::WaitCondition::kNotRunning, 0ms, &cancel);
  t.join();
  EXPECT_EQ(w.status().code(), Code::kCancelled) << w.status().ToString();

  // The client stays usable after abandoned calls.
  EXPECT_TRUE(client().InspectContainer(id).ok());
}

TEST(DockerEndpoints, UnavailableWhenNoEngineAnswers) {
  auto c = docker::NewCurlDockerClient("unix:///nonexistent/berth-test/docker.sock");
  ASSERT_TRUE(c.ok());
  Status ping = (*c)->Ping();
  EXPECT_EQ(ping.code(), Code::kUnavailable) << ping.ToString();
  EXPECT_THAT(ping.message(), HasSubstr("/nonexistent/berth-test/docker.sock"));
  EXPECT_EQ((*c)->InspectContainer("x").status().code(), Code::kUnavailable);
  EXPECT_EQ((*c)->ListContainers({}).status().code(), Code::kUnavailable);

  // A TCP port nobody listens on: bind one, note it, close it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  auto tcp = docker::NewCurlDockerClient("tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ((*tcp)->Ping().code(), Code::kUnavailable);
  EXPECT_EQ((*tcp)->Version().status().code(), Code::kUnavailable);
}

TEST(DockerEndpoints, BadEndpointsAreRejected) {
  for (const char* e : {"https://127.0.0.1:2376", "npipe:////./pipe/docker", "unix://relative",
                        "tcp://", "docker.sock"}) {
    auto c = docker::NewCurlDockerClient(e);
    EXPECT_EQ(c.status().code(), Code::kBadRequest) << e;
  }
  EXPECT_TRUE(docker::NewCurlDockerClient("/var/run/docker.sock").ok());
  EXPECT_TRUE(docker::NewCurlDockerClient("tcp://10.0.0.5:2375").ok());
}

}  // namespace
}  // namespace berth::testing
