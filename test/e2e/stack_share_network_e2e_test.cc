// share_stacks' internal-network variant end to end
// (manifests/test/share-stacks-internal.yaml): the databases on
// share_internal (internal: true) reach each other, and nothing outside it,
// proven against a control probe that does get out from an ordinary network;
// and share_internal removed by hand comes back with every service attached.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "test/e2e/share_stacks_fixture.h"

namespace berth::e2e {
namespace {

TEST_F(ShareStacksE2E, InternalNetworkIsolatesDatabasesAndComesBackWhenRemoved) {
  UpAndReady(Manifest("test/share-stacks-internal.yaml"));
  auto net = docker_.client().InspectNetwork("share_internal");
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  EXPECT_TRUE(net->internal);

  // Peers reach each other by name (the seed's troubleshooting: ping postgres).
  EXPECT_EQ(docker_.Exec("share_gptload", {"ping", "-c", "1", "-W", "2", "postgres"}).first, 0);
  EXPECT_EQ(docker_.Exec("share_litellm", {"ping", "-c", "1", "-W", "2", "valkey"}).first, 0);
  EXPECT_EQ(docker_.Exec("share_valkey", {"ping", "-c", "1", "-W", "2", "postgres"}).first, 0);
  auto [code, pong] = docker_.Exec(
      "share_valkey", {"sh", "-c", "REDISCLI_AUTH=test-valkey-pw valkey-cli -h valkey ping"});
  EXPECT_EQ(code, 0) << pong;
  EXPECT_HAS(pong, "PONG");

  // No way out of share_internal, with a control that proves the probe can
  // succeed: a test container on a third, ordinary network publishes a port
  // on 1panel-network's gateway address (a host address, so nothing leaves
  // this machine). Reaching it means leaving your own network through the
  // host (DNAT, then forwarding into the third network). From share_playwright
  // (only on 1panel-network, not internal) that works; from share_postgres
  // (only on share_internal) it must not. (A host listener would not do:
  // Docker 20.10 lets internal networks reach the host's own addresses; see
  // docs/stacks.md.)
  auto panel = docker_.client().InspectNetwork("1panel-network");
  ASSERT_TRUE(panel.ok()) << panel.status().ToString();
  std::string gateway;
  for (const json& cfg : panel->raw["IPAM"]["Config"]) {
    if (cfg.contains("Gateway")) gateway = cfg["Gateway"].get<std::string>();
  }
  ASSERT_FALSE(gateway.empty()) << panel->raw.dump();
  ASSERT_TRUE(docker_.EnsureNetwork(kProbeNetwork));
  docker::ContainerSpec target;
  target.name = kProbeTarget;
  target.image = "berth-test/busybox:1";
  target.cmd = std::vector<std::string>{"berth-echo", "8080"};
  target.env = {"INSTANCE_ID=outside-target"};
  target.labels = {{"berth.dev/test", "1"}};
  target.networks = {{kProbeNetwork, {}}};
  int port = FreePort();
  target.ports = {{8080, "tcp", gateway, port}};
  auto target_id = docker_.client().CreateContainer(target);
  ASSERT_TRUE(target_id.ok()) << target_id.status().ToString();
  ASSERT_TRUE(docker_.client().StartContainer(*target_id).ok());
  std::string url = "http://" + gateway + ":" + std::to_string(port) + "/";
  std::vector<std::string> probe = {"timeout", "5", "wget", "-qO-", url};
  std::string answer;
  EXPECT_TRUE(Eventually(
      [&] {
        auto [rc, out] = docker_.Exec("share_playwright", probe);
        answer = out;
        return rc == 0;
      },
      seconds(30), milliseconds(500)))
      << "control: share_playwright (1panel-network) did not reach " << url << ": " << answer;
  EXPECT_HAS(answer, "instance=outside-target");
  auto [in_rc, in_out] = docker_.Exec("share_postgres", probe);
  EXPECT_NE(in_rc, 0) << "share_postgres (share_internal only) reached " << url << ": " << in_out;
  EXPECT_EQ(in_out.find("instance=outside-target"), std::string::npos) << in_out;

  // What lives only on share_internal is reachable from its peers there, and
  // neither resolvable nor reachable from a container outside it.
  EXPECT_NE(docker_.Exec("share_playwright", {"ping", "-c", "1", "-W", "2", "postgres"}).first, 0);
  auto mq = docker_.Inspect("share_rabbitmq");
  ASSERT_TRUE(mq && mq->networks.count("share_internal"));
  std::string mq_ip = mq->networks.at("share_internal").ip_address;
  EXPECT_EQ(docker_
                .Exec("share_firecrawl", {"timeout", "3", "wget", "-qO", "/dev/null",
                                          "http://" + mq_ip + ":5672/health"})
                .first,
            0)
      << "a peer on share_internal should reach rabbitmq";
  EXPECT_NE(docker_
                .Exec("share_playwright", {"timeout", "3", "wget", "-qO", "/dev/null",
                                           "http://" + mq_ip + ":5672/health"})
                .first,
            0)
      << "share_playwright reached rabbitmq on share_internal at " << mq_ip;
  // The gateways still serve the host.
  EXPECT_EQ(Http(3001, "GET", "/health").status, 200);
  ASSERT_TRUE(docker_.client().RemoveContainer(*target_id, true, false).ok());

  // Drift: share_internal removed by hand. Docker refuses to remove a network
  // with running containers on it, so first disconnect them all, as a person
  // would have to (berth may reconnect some meanwhile: then try again).
  std::string old_id = net->id;
  std::map<std::string, std::string> members;  // service on share_internal -> container name
  json services = StackSpecOf(Manifest("test/share-stacks-internal.yaml"))["services"];
  for (const auto& [name, svc] : services.items()) {
    for (const json& n : svc.value("networks", json::array())) {
      if (n == "share_internal" && svc.value("kind", "service") != "job") {
        members[name] = svc.value("containerName", "");
      }
    }
  }
  ASSERT_EQ(members.size(), 7u);
  auto t0 = std::chrono::steady_clock::now();
  int tries = 0;
  bool removed = Eventually(
      [&] {
        ++tries;
        auto n = docker_.client().InspectNetwork(old_id);
        if (!n.ok()) return n.status().code() == Code::kNotFound;
        std::vector<std::thread> ts;
        for (const auto& [cid, endpoint] : n->containers) {
          ts.emplace_back([&, cid = cid] {
            (void)docker_.client().DisconnectNetwork(old_id, cid, /*force=*/true);
          });
        }
        for (auto& t : ts) t.join();
        Status st = docker_.client().RemoveNetwork(old_id);
        return st.ok() || st.code() == Code::kNotFound;
      },
      seconds(60), milliseconds(10));
  ASSERT_TRUE(removed) << "could not remove share_internal in " << tries << " tries";
  auto t_removed = std::chrono::steady_clock::now();
  std::cout << "drift: share_internal removed by hand after " << tries << " tries\n";

  // berth creates it again (internal, its labels) and reattaches every
  // running service that declares it, with its DNS alias.
  std::string new_id;
  bool back = Eventually(
      [&] {
        auto n = docker_.client().InspectNetwork("share_internal");
        if (!n.ok() || n->id == old_id) return false;
        new_id = n->id;
        for (const auto& [svc, container] : members) {
          auto c = docker_.Inspect(container);
          if (!c || !c->state.running || !c->networks.count("share_internal")) return false;
        }
        return true;
      },
      seconds(120), milliseconds(20));
  auto ms = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t_removed);
  ASSERT_TRUE(back) << "share_internal was not recreated with its services attached";
  std::cout << "drift repair: share_internal removed by hand, back with all " << members.size()
            << " services attached after " << ms.count() << " ms ("
            << std::chrono::duration_cast<milliseconds>(t_removed - t0).count()
            << " ms to remove it)\n";
  auto again = docker_.client().InspectNetwork("share_internal");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->internal);
  EXPECT_EQ(again->labels["berth.dev/managed-by"], "berth");
  EXPECT_EQ(again->labels["berth.dev/owner"], std::string("Stack/default/") + kStack);
  EXPECT_TRUE(Eventually(
      [&] {
        return docker_.Exec("share_gptload", {"ping", "-c", "1", "-W", "2", "postgres"}).first == 0;
      },
      seconds(30), milliseconds(500)))
      << "gpt-load does not reach postgres by name on the new share_internal";
  ASSERT_TRUE(ReadyForGeneration(seconds(120)));
  RunResult ev = server_->Berth({"events"});
  EXPECT_HAS(ev.out, "created network share_internal (internal)");
  EXPECT_HAS(ev.out, "to network share_internal");
}

}  // namespace
}  // namespace berth::e2e
