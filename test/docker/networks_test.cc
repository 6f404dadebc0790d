// Networks (internal isolation against a control probe, connect/disconnect)
// and volumes on the real dockerd.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test/docker/docker_fixture.h"

namespace berth::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using namespace std::chrono_literals;

class DockerNetworks : public DockerTest {
 protected:
  std::string MakeNetwork(const std::string& suffix, bool internal) {
    docker::NetworkSpec spec;
    spec.name = Name(suffix);
    spec.internal = internal;
    spec.labels = TestLabels();
    auto id = client().CreateNetwork(spec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }
  // Runs `cmd` in container `id`; returns the exit code (-1 on a call error).
  int Exec(const std::string& id, std::vector<std::string> cmd, std::string* out = nullptr) {
    docker::ExecOptions opts;
    opts.cmd = std::move(cmd);
    opts.timeout = 60s;
    auto r = client().Exec(id, opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return -1;
    if (out) *out = r->out + r->err;
    return r->exit_code;
  }
};
class DockerVolumes : public DockerTest {};

// A TCP port free on `ip` (a host address), or 0.
int FreePortOn(const std::string& ip) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (fd < 0 || inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    return 0;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(DockerNetworks, CreateInternalConnectDisconnectRemove) {
  if (!RequireImage(kBusybox)) return;
  std::string net = MakeNetwork("int", true);
  ASSERT_FALSE(net.empty());
  auto info = client().InspectNetwork(Name("int"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->id, net);
  EXPECT_TRUE(info->internal);
  EXPECT_EQ(info->driver, "bridge");
  EXPECT_THAT(info->labels, Contains(Pair("berth.dev/test", "1")));

  auto listed = client().ListNetworks({CaseLabel()});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, Name("int"));

  docker::NetworkSpec dup;
  dup.name = Name("int");
  dup.labels = TestLabels();
  EXPECT_EQ(client().CreateNetwork(dup).status().code(), Code::kConflict);

  std::string c = Run(Busybox("member", {"sleep", "1000"}));
  ASSERT_FALSE(c.empty());
  ASSERT_TRUE(client().ConnectNetwork(net, c, {"svc", "svc-alias"}).ok());
  auto ci = client().InspectContainer(c);
  ASSERT_TRUE(ci.ok());
  ASSERT_EQ(ci->networks.count(Name("int")), 1u);
  EXPECT_THAT(ci->networks.at(Name("int")).aliases, Contains("svc-alias"));
  info = client().InspectNetwork(net);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->containers.count(c), 1u);
  EXPECT_EQ(client().ConnectNetwork(net, c, {}).code(), Code::kConflict) << "already connected";

  // A network with endpoints cannot go.
  EXPECT_EQ(client().RemoveNetwork(net).code(), Code::kConflict);
  ASSERT_TRUE(client().DisconnectNetwork(net, c, false).ok());
  ci = client().InspectContainer(c);
  ASSERT_TRUE(ci.ok());
  EXPECT_EQ(ci->networks.count(Name("int")), 0u);
  ASSERT_TRUE(client().RemoveNetwork(net).ok());
  EXPECT_EQ(client().InspectNetwork(net).status().code(), Code::kNotFound);
  EXPECT_EQ(client().RemoveNetwork(net).code(), Code::kNotFound);
}

TEST_F(DockerNetworks, InternalNetworkHasNoWayOut) {
  if (!RequireImage(kBusybox)) return;
  std::string internal = MakeNetwork("inside", true);
  std::string outside = MakeNetwork("outside", false);
  std::string lan = MakeNetwork("lan", false);
  ASSERT_FALSE(internal.empty() || outside.empty() || lan.empty());
  // The target is reached through the host: web (on "outside") publishes a
  // port on lan's gateway address, a host address (nothing leaves the
  // machine). Getting there means leaving your own network (DNAT on the host,
  // then forwarding into "outside"), which is what an internal network must
  // stop. A host listener would not do: Docker 20.10 lets internal networks
  // reach the host's own addresses (docs/stacks.md).
  auto lan_info = client().InspectNetwork(lan);
  ASSERT_TRUE(lan_info.ok()) << lan_info.status().ToString();
  std::string gateway;
  for (const auto& cfg : lan_info->raw["IPAM"]["Config"]) {
    if (cfg.contains("Gateway")) gateway = cfg["Gateway"].get<std::string>();
  }
  ASSERT_FALSE(gateway.empty()) << lan_info->raw.dump();
  int port = FreePortOn(gateway);
  ASSERT_GT(port, 0);
  std::string url = "http://" + gateway + ":" + std::to_string(port) + "/";

  // app and client share the internal network; web is on a normal network,
  // the probe on another one.
  auto app = Busybox("app", {"berth-echo", "8080"});
  app.env = {"INSTANCE_ID=internal-app"};
  app.networks = {{internal, {"app"}}};
  auto cli = Busybox("client", {"sleep", "1000"});
  cli.networks = {{internal, {}}};
  auto web = Busybox("web", {"berth-echo", "8080"});
  web.env = {"INSTANCE_ID=outside-web"};
  web.networks = {{outside, {"web"}}};
  web.ports = {{8080, "tcp", gateway, port}};
  auto probe = Busybox("probe", {"sleep", "1000"});
  probe.networks = {{lan, {}}};
  std::string app_id = Run(app), cli_id = Run(cli), web_id = Run(web), probe_id = Run(probe);
  ASSERT_FALSE(app_id.empty() || cli_id.empty() || web_id.empty() || probe_id.empty());

  // Inside: reachable by name (retry while berth-echo starts listening).
  std::string out;
  EXPECT_TRUE(WaitFor(
      [&] {
        return Exec(cli_id, {"timeout", "3", "wget", "-q", "-O-", "http://app:8080/health"},
                    &out) == 0;
      },
      30s))
      << out;
  EXPECT_THAT(out, HasSubstr("instance=internal-app"));

  // Control: from an ordinary network the probe gets out, through the host,
  // to web on a third network.
  EXPECT_TRUE(WaitFor(
      [&] {
        return Exec(probe_id, {"timeout", "5", "wget", "-q", "-O-", url}, &out) == 0;
      },
      30s))
      << "the control probe did not reach " << url << ": " << out;
  EXPECT_THAT(out, HasSubstr("instance=outside-web"));

  // The same probe from the internal network does not get out.
  EXPECT_NE(Exec(cli_id, {"timeout", "5", "wget", "-q", "-O-", url}, &out), 0)
      << "an internal-network container reached " << url << ": " << out;
  EXPECT_THAT(out, Not(HasSubstr("instance=outside-web")));
}

TEST_F(DockerVolumes, CreateListInspectRemove) {
  if (!RequireImage(kBusybox)) return;
  docker::VolumeSpec spec;
  spec.name = Name("data");
  spec.labels = TestLabels();
  spec.labels["berth.dev/marker"] = spec.name;
  auto v = client().CreateVolume(spec);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->name, spec.name);
  EXPECT_EQ(v->driver, "local");
  EXPECT_FALSE(v->mountpoint.empty());
  auto again = client().CreateVolume(spec);
  ASSERT_TRUE(again.ok()) << "creating an existing volume returns it";

  auto listed = client().ListVolumes({"berth.dev/marker=" + spec.name});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_THAT((*listed)[0].labels, Contains(Pair("berth.dev/marker", spec.name)));

  auto user = Busybox("user", {"sh", "-c", "echo kept > /data/f"});
  user.mounts = {{docker::Mount::Type::kVolume, spec.name, "/data", false}};
  std::string c = Run(user);
  ASSERT_FALSE(c.empty());
  ASSERT_TRUE(client().WaitContainer(c, docker::WaitCondition::kNotRunning, 30s).ok());
  EXPECT_EQ(client().RemoveVolume(spec.name, false).code(), Code::kConflict) << "in use";
  ASSERT_TRUE(client().RemoveContainer(c, true, false).ok());
  ASSERT_TRUE(client().InspectVolume(spec.name).ok()) << "removing a container keeps named volumes";
  ASSERT_TRUE(client().RemoveVolume(spec.name, false).ok());
  EXPECT_EQ(client().InspectVolume(spec.name).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace berth::testing
