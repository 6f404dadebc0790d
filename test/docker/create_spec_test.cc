// Every ContainerSpec field reaches the engine as docker run would send it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/docker/docker_fixture.h"

namespace berth::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

class DockerCreateSpec : public DockerTest {};

TEST_F(DockerCreateSpec, FieldsReachTheEngine) {
  if (!RequireImage(kBusybox)) return;
  std::string net_a = Name("neta"), net_b = Name("netb"), vol = Name("vol");
  for (const auto& n : {net_a, net_b}) {
    docker::NetworkSpec ns;
    ns.name = n;
    ns.labels = TestLabels();
    ASSERT_TRUE(client().CreateNetwork(ns).ok());
  }
  docker::VolumeSpec vs;
  vs.name = vol;
  vs.labels = TestLabels();
  ASSERT_TRUE(client().CreateVolume(vs).ok());

  auto spec = Busybox("full", {"sh", "-c", "exec sleep 1000"});
  spec.entrypoint = std::vector<std::string>{};  // clear (busybox has none anyway)
  spec.env = {"A=1", "B=two words"};
  spec.ports = {{8080, "tcp", "127.0.0.1", 0}, {9090, "udp", "", 0}};
  spec.mounts = {{docker::Mount::Type::kVolume, vol, "/data", false},
                 {docker::Mount::Type::kBind, "/etc/hostname", "/host-hostname", true},
                 {docker::Mount::Type::kTmpfs, "", "/scratch", false}};
  spec.networks = {{net_a, {"alias-a", "alias-a2"}}, {net_b, {"alias-b"}}};
  spec.restart = {"on-failure", 2};
  spec.user = "nobody";
  spec.working_dir = "/tmp";
  spec.hostname = "fullhost";
  spec.extra_hosts = {"gateway.test:10.1.2.3"};
  spec.shm_size = 32 << 20;
  spec.cap_add = {"NET_ADMIN"};
  spec.cap_drop = {"MKNOD"};
  spec.init = true;
  spec.tmpfs = {{"/run/x", "size=1m"}};
  spec.nano_cpus = 500000000;
  spec.memory = 64 << 20;
  spec.stop_timeout = 3;
  spec.stop_signal = "SIGINT";
  spec.healthcheck = docker::HealthCheck{{"CMD", "true"}, 1s, 2s, 3s, 4};
  std::string id = Run(spec);
  ASSERT_FALSE(id.empty());

  auto info = client().InspectContainer(id);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  const auto& raw = info->raw;
  const auto& hc = raw["HostConfig"];
  const auto& cfg = raw["Config"];
  EXPECT_THAT(info->env, Contains("B=two words"));
  EXPECT_EQ(cfg["User"], "nobody");
  EXPECT_EQ(cfg["WorkingDir"], "/tmp");
  EXPECT_EQ(info->hostname, "fullhost");
  EXPECT_EQ(cfg["StopTimeout"], 3);
  EXPECT_EQ(cfg["StopSignal"], "SIGINT");
  EXPECT_EQ(cfg["Healthcheck"]["Interval"], 1000000000LL);
  EXPECT_EQ(cfg["Healthcheck"]["StartPeriod"], 3000000000LL);
  EXPECT_EQ(cfg["Healthcheck"]["Retries"], 4);
  EXPECT_TRUE(cfg["ExposedPorts"].contains("9090/udp"));
  EXPECT_EQ(hc["PortBindings"]["8080/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_FALSE(hc["PortBindings"].contains("9090/udp"));  // exposed, not published
  EXPECT_EQ(hc["RestartPolicy"]["Name"], "on-failure");
  EXPECT_EQ(hc["RestartPolicy"]["MaximumRetryCount"], 2);
  EXPECT_EQ(hc["ExtraHosts"][0], "gateway.test:10.1.2.3");
  EXPECT_EQ(hc["ShmSize"], 32 << 20);
  EXPECT_EQ(hc["CapAdd"][0], "NET_ADMIN");
  EXPECT_EQ(hc["CapDrop"][0], "MKNOD");
  EXPECT_EQ(hc["Init"], true);
  EXPECT_EQ(hc["Tmpfs"]["/run/x"], "size=1m");
  EXPECT_EQ(hc["NanoCpus"], 500000000);
  EXPECT_EQ(hc["Memory"], 64 << 20);

  // Published on 127.0.0.1 with an engine-chosen port.
  const auto& ports = raw["NetworkSettings"]["Ports"]["8080/tcp"];
  ASSERT_TRUE(ports.is_array() && !ports.empty()) << raw["NetworkSettings"].dump();
  EXPECT_EQ(ports[0]["HostIp"], "127.0.0.1");
  EXPECT_NE(ports[0]["HostPort"], "");

  // Both networks, with their aliases, before the first start.
  ASSERT_EQ(info->networks.count(net_a), 1u);
  ASSERT_EQ(info->networks.count(net_b), 1u);
  EXPECT_THAT(info->networks.at(net_a).aliases, Contains("alias-a2"));
  EXPECT_THAT(info->networks.at(net_b).aliases, Contains("alias-b"));
  EXPECT_FALSE(info->networks.at(net_a).ip_address.empty());

  std::vector<std::string> mounts;
  for (const auto& m : info->mounts) {
    mounts.push_back(m.type + ":" + m.destination + ":" + (m.read_write ? "rw" : "ro"));
  }
  EXPECT_THAT(mounts, UnorderedElementsAre("volume:/data:rw", "bind:/host-hostname:ro",
                                           "tmpfs:/scratch:rw"));

  docker::ExecOptions ex;
  ex.cmd = {"sh", "-c", "id -un; pwd; hostname; cat /host-hostname >/dev/null && echo ok"};
  auto r = client().Exec(id, ex);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->out, "nobody\n/tmp\nfullhost\nok\n");
}

TEST_F(DockerCreateSpec, GpuDeviceRequestsAreAccepted) {
  if (!RequireImage(kBusybox)) return;
  // No GPU here: create (not start) and check what the engine stored.
  auto spec = Busybox("gpu", {"true"});
  spec.gpus = {{"nvidia", 0, {"0", "GPU-1234"}, {{"gpu"}}},
               {"nvidia", 2, {}, {{"gpu", "compute"}}}};
  spec.runtime = "runc";
  auto id = client().CreateContainer(spec);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto info = client().InspectContainer(*id);
  ASSERT_TRUE(info.ok());
  const auto& reqs = info->raw["HostConfig"]["DeviceRequests"];
  ASSERT_EQ(reqs.size(), 2u) << reqs.dump();
  EXPECT_EQ(reqs[0]["Driver"], "nvidia");
  EXPECT_EQ(reqs[0]["DeviceIDs"][1], "GPU-1234");
  EXPECT_EQ(reqs[1]["Count"], 2);
  EXPECT_EQ(reqs[1]["Capabilities"][0][1], "compute");
  EXPECT_EQ(info->raw["HostConfig"]["Runtime"], "runc");
}

TEST_F(DockerCreateSpec, FailedNetworkJoinLeavesNoContainer) {
  if (!RequireImage(kBusybox)) return;
  docker::NetworkSpec ns;
  ns.name = Name("ok");
  ns.labels = TestLabels();
  ASSERT_TRUE(client().CreateNetwork(ns).ok());
  auto spec = Busybox("halfmade", {"true"});
  spec.networks = {{ns.name, {}}, {Name("missing"), {}}};
  auto id = client().CreateContainer(spec);
  EXPECT_EQ(id.status().code(), Code::kNotFound) << id.status().ToString();
  EXPECT_EQ(client().InspectContainer(spec.name).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace berth::testing
