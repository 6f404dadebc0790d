// Instances end to end (issue 5): the real `berth serve` with its
// controllers, the real dockerd and the real nginx router container of the
// Beaver test Stack (manifests/test/beaver.yaml). Users are provisioned
// through the provisioning API and reached through the router on 127.0.0.1
// with their Host header.
#include <filesystem>
#include <map>

#include "test/e2e/instance_e2e_support.h"

namespace berth::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

#define EXPECT_HAS(haystack, needle)                                                              \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

struct Started {
  std::string id;
  std::string started_at;
  bool operator==(const Started&) const = default;
};

TEST_F(InstanceE2e, TwentyInstancesRoutedByHostAndAProviderRestartsOnlyItsOwn) {
  std::vector<std::string> users;
  for (int i = 0; i < 20; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, i % 5 == 0 ? "user%02d@example.com" : "user%02d", i);
    users.push_back(buf);
  }
  std::map<std::string, std::string> slugs;  // user -> slug
  for (const std::string& u : users) {
    HttpResult r = Provision({{"user", u}});
    ASSERT_EQ(r.status, 201) << u << ": " << r.body;
    json j = json::parse(r.body);
    slugs[u] = j["slug"];
    EXPECT_EQ(j["url"], "http://" + slugs[u] + ".localhost:" + std::to_string(router_port_));
  }
  // Idempotent per user.
  HttpResult again = Provision({{"user", users[3]}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(slugs["user05@example.com"], "user05-example-com");

  bool all_ready = Eventually(
      [&] {
        for (const std::string& u : users) {
          if (!Ready(u)) return false;
        }
        return true;
      },
      seconds(240), std::chrono::milliseconds(500));
  ASSERT_TRUE(all_ready) << Instance(users.back()).dump();

  std::map<std::string, Started> before;
  for (const std::string& u : users) {
    const std::string& slug = slugs[u];
    EXPECT_TRUE(fs::exists(RouteFile(slug))) << RouteFile(slug);
    EXPECT_TRUE(Eventually([&] { return Answers(slug, u); }, seconds(20)))
        << u << ": " << Through(slug).body;
    auto info = docker_.Inspect(ContainerOf(slug));
    ASSERT_TRUE(info) << ContainerOf(slug);
    EXPECT_EQ(info->labels.at(api::labels::kOwner),
              "Instance/" + ns_ + "/" + Instance(u).value("name", ""));
    before[u] = {info->id, info->state.started_at};
  }
  // Unknown hosts get 404 from berth's default server, not somebody's Instance.
  EXPECT_EQ(RouterGet(router_port_, "nobody.localhost").status, 404);
  std::string route = ReadFile(RouteFile(slugs[users[1]]));
  EXPECT_HAS(route, "server_name " + slugs[users[1]] + ".localhost;");
  EXPECT_HAS(route, "proxy_buffering off;");

  // Configure a provider for one user: its config.json, its restart, nobody else's.
  const std::string target = users[7];
  const std::string key = "sk-e2e-user07-9f8e7d6c5b4a";
  HttpResult r = Api("POST", "/provision/v1/instances/" + target + "/provider",
                     json{{"type", "openai-compatible"},
                          {"baseURL", "http://llm.example.test:4000/v1"},
                          {"models", {"beaver-small", "beaver-large"}},
                          {"apiKey", key}}
                         .dump(),
                     prov_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find(key), std::string::npos);
  const std::string slug = slugs[target];
  bool restarted = Eventually(
      [&] {
        auto info = docker_.Inspect(ContainerOf(slug));
        return info && info->state.started_at != before[target].started_at && info->state.running;
      },
      seconds(60), std::chrono::milliseconds(200));
  ASSERT_TRUE(restarted);
  auto [code, config] = docker_.Exec(ContainerOf(slug), {"cat", "/app/config/config.json"});
  EXPECT_EQ(code, 0);
  EXPECT_HAS(config, key);
  EXPECT_HAS(config, "http://llm.example.test:4000/v1");
  EXPECT_HAS(config, "beaver-small");
  EXPECT_TRUE(
      Eventually([&] { return Ready(target) && Through(slug).body.find(key) != std::string::npos; },
                 seconds(60)))
      << Through(slug).body;
  EXPECT_EQ(docker_.Inspect(ContainerOf(slug))->id, before[target].id);  // restarted, not recreated
  for (const std::string& u : users) {
    if (u == target) continue;
    auto info = docker_.Inspect(ContainerOf(slugs[u]));
    ASSERT_TRUE(info);
    EXPECT_EQ((Started{info->id, info->state.started_at}), before[u]) << u << " was touched";
    auto [c, other] = docker_.Exec(ContainerOf(slugs[u]), {"ls", "/app/config"});
    EXPECT_EQ(other.find("config.json"), std::string::npos) << u;
  }
  // The key is in that container and its 0700-guarded host dir, nowhere in berth's log.
  EXPECT_EQ(server_->log().find(key), std::string::npos);
  RunResult events = server_->Berth({"events", "-n", ns_});
  EXPECT_EQ(events.out.find(key), std::string::npos);
  EXPECT_HAS(events.out, "Restarted");
  EXPECT_EQ(fs::status(InstanceDir(slug)).permissions() & fs::perms::others_all, fs::perms::none);
}

TEST_F(InstanceE2e, BadSlugsGet422AndCreateNothing) {
  std::vector<std::string> bad = {"alice.example",     "a/b", "..",   "../etc", "a b",
                                  "alice\nbob",        "a'b", "a\"b", "a{b}",   "a;b",
                                  std::string(64, 'x')};
  for (const std::string& slug : bad) {
    HttpResult r = Provision({{"user", "mallory"}, {"slug", slug}});
    EXPECT_EQ(r.status, 422) << "[" << slug << "] " << r.body;
    json j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["details"]["causes"][0]["field"], "spec.slug") << r.body;
  }
  // The generic API refuses them too (schema and admission), also with 422.
  json inst = {{"apiVersion", "berth.dev/v1alpha1"},
               {"kind", "Instance"},
               {"metadata", {{"name", "mallory"}, {"namespace", ns_}}},
               {"spec",
                {{"user", "mallory"},
                 {"slug", "a.b"},
                 {"template", {{"stack", "beaver"}, {"name", "app"}}}}}};
  HttpResult r =
      Api("POST", "/apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/instances", inst.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_HAS(r.body, "spec.slug");

  EXPECT_TRUE(ListInstances().empty());
  auto owned =
      docker_.client().ListContainers({"berth.dev/managed-by=berth", "berth.dev/role=instance",
                                       std::string(kSuiteLabel) + "=" + kSuite});
  ASSERT_TRUE(owned.ok());
  EXPECT_TRUE(owned->empty());
  if (fs::exists(ConfDir())) {
    for (const auto& e : fs::directory_iterator(ConfDir())) {
      EXPECT_FALSE(e.path().filename().string().starts_with(ns_ + "-")) << e.path();
    }
  }
  EXPECT_FALSE(fs::exists(server_->data_dir() + "/instances/" + ns_));
}

TEST_F(InstanceE2e, BrokenTemplatesNeverTakeTheRouterDown) {
  for (const std::string u : {"alice", "bob"}) ASSERT_EQ(Provision({{"user", u}}).status, 201);
  ASSERT_TRUE(Eventually([&] { return Ready("alice") && Ready("bob"); }, seconds(120)));
  ASSERT_TRUE(
      Eventually([&] { return Answers("alice", "alice") && Answers("bob", "bob"); }, seconds(20)));

  // Two broken templates: one whose route nginx -t refuses (a bad
  // routeConfig), one whose container never becomes healthy.
  json patch = {{"spec",
                 {{"instanceTemplates",
                   {{"badroute",
                     {{"image", "berth-test/busybox:1"},
                      {"command", {"berth-echo", "8080"}},
                      {"port", 8080},
                      {"routeConfig", "bogus_directive on;"},
                      {"labels", {{"berth.dev/test", "1"}, {kSuiteLabel, kSuite}}}}},
                    {"neverready",
                     {{"image", "berth-test/busybox:1"},
                      {"command", {"berth-echo", "8080"}},
                      {"port", 8080},
                      {"healthcheck",
                       {{"test", {"CMD-SHELL", "exit 1"}}, {"interval", "1s"}, {"retries", 1}}},
                      {"labels", {{"berth.dev/test", "1"}, {kSuiteLabel, kSuite}}}}}}}}}};
  HttpResult pr = Http(server_->port(), "PATCH", StackPath(), server_->token(), patch.dump(),
                       "application/merge-patch+json");
  ASSERT_EQ(pr.status, 200) << pr.body;

  ASSERT_EQ(Provision({{"user", "mallory"}, {"template", "beaver/badroute"}}).status, 201);
  ASSERT_EQ(Provision({{"user", "nora"}, {"template", "beaver/neverready"}}).status, 201);
  std::string mallory = Instance("mallory").value("name", "");
  bool rejected = Eventually(
      [&] {
        json o = InstanceObject(mallory);
        if (!o.contains("status")) return false;
        for (const auto& c : o["status"].value("conditions", json::array())) {
          if (c.value("type", "") == "Routed" && c.value("reason", "") == "RouteRejected")
            return true;
        }
        return false;
      },
      seconds(120), std::chrono::milliseconds(250));
  json mo = InstanceObject(mallory);
  ASSERT_TRUE(rejected) << mo.dump(2);
  EXPECT_EQ(mo["status"]["phase"], "Degraded");
  EXPECT_HAS(mo["status"].dump(), "bogus_directive");
  EXPECT_FALSE(fs::exists(RouteFile("mallory")));
  ASSERT_TRUE(
      Eventually([&] { return Instance("nora").value("phase", "") == "Degraded"; }, seconds(60)))
      << Instance("nora").dump();
  EXPECT_FALSE(fs::exists(RouteFile("nora")));

  // The router kept serving everyone else all along.
  EXPECT_TRUE(Answers("alice", "alice"));
  EXPECT_TRUE(Answers("bob", "bob"));
  EXPECT_EQ(Through("mallory").status, 404);
  EXPECT_EQ(Through("nora").status, 404);
  // Its conf.d holds only what nginx accepted: a restarted router comes back.
  auto router = docker_.Inspect(ns_ + "-router-proxy");
  ASSERT_TRUE(router && router->state.running);
  ASSERT_TRUE(docker_.client().RestartContainer(router->id, seconds(5)).ok());
  EXPECT_TRUE(
      Eventually([&] { return Answers("alice", "alice") && Answers("bob", "bob"); }, seconds(30)));

  // A new good Instance still gets routed next to the broken ones.
  ASSERT_EQ(Provision({{"user", "carol"}}).status, 201);
  EXPECT_TRUE(
      Eventually([&] { return Ready("carol") && Answers("carol", "carol"); }, seconds(120)));
}

TEST_F(InstanceE2e, DeprovisionRemovesContainerAndRouteAndDataOnlyWithPurge) {
  for (const std::string u : {"dana", "erin"}) ASSERT_EQ(Provision({{"user", u}}).status, 201);
  ASSERT_TRUE(Eventually([&] { return Ready("dana") && Ready("erin"); }, seconds(120)));
  for (const std::string s : {"dana", "erin"}) {
    auto [code, out] =
        docker_.Exec(ContainerOf(s), {"sh", "-c", "echo kept > /app/runtime/data/mark"});
    ASSERT_EQ(code, 0) << out;
    ASSERT_TRUE(fs::exists(InstanceDir(s) + "/data/mark"));
  }

  HttpResult r = Api("DELETE", "/provision/v1/instances/dana", "", prov_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(Eventually([&] { return Api("GET", "/provision/v1/instances/dana").status == 404; },
                         seconds(60)));
  EXPECT_FALSE(docker_.Inspect(ContainerOf("dana")));
  EXPECT_FALSE(fs::exists(RouteFile("dana")));
  EXPECT_TRUE(fs::exists(InstanceDir("dana") + "/data/mark"));  // data kept
  EXPECT_FALSE(fs::exists(InstanceDir("dana") + "/config"));
  EXPECT_EQ(Through("dana").status, 404);

  // Another user whose default slug is "dana" too ("Dana") is never given
  // dana's kept directory: a variant slug and a fresh, empty data directory.
  HttpResult other = Provision({{"user", "Dana"}});
  ASSERT_EQ(other.status, 201) << other.body;
  std::string other_slug = json::parse(other.body).value("slug", "");
  EXPECT_NE(other_slug, "dana");
  ASSERT_TRUE(Eventually([&] { return Ready("Dana"); }, seconds(120)));
  auto [other_code, listing] = docker_.Exec(ContainerOf(other_slug), {"ls", "/app/runtime/data"});
  EXPECT_EQ(other_code, 0) << listing;
  EXPECT_EQ(listing.find("mark"), std::string::npos) << listing;
  EXPECT_TRUE(fs::exists(InstanceDir("dana") + "/data/mark"));

  r = Api("DELETE", "/provision/v1/instances/erin?purge=true", "", prov_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(Eventually([&] { return Api("GET", "/provision/v1/instances/erin").status == 404; },
                         seconds(60)));
  EXPECT_FALSE(docker_.Inspect(ContainerOf("erin")));
  EXPECT_FALSE(fs::exists(RouteFile("erin")));
  EXPECT_FALSE(fs::exists(InstanceDir("erin")));  // purged

  // Provisioned again, dana finds her data.
  ASSERT_EQ(Provision({{"user", "dana"}}).status, 201);
  ASSERT_TRUE(Eventually([&] { return Ready("dana"); }, seconds(120)));
  auto [code, out] = docker_.Exec(ContainerOf("dana"), {"cat", "/app/runtime/data/mark"});
  EXPECT_EQ(out, "kept\n");
}

TEST_F(InstanceE2e, DriftIsRepairedFromDockerEvents) {
  ASSERT_EQ(Provision({{"user", "finn"}}).status, 201);
  ASSERT_TRUE(Eventually([&] { return Ready("finn") && Answers("finn", "finn"); }, seconds(120)));
  auto first = docker_.Inspect(ContainerOf("finn"));
  ASSERT_TRUE(first);
  ASSERT_TRUE(docker_.client().StopContainer(first->id, seconds(2)).ok());
  EXPECT_TRUE(Eventually(
      [&] {
        auto i = docker_.Inspect(ContainerOf("finn"));
        return i && i->state.running && i->id == first->id;
      },
      seconds(60)));
  ASSERT_TRUE(docker_.client().RemoveContainer(first->id, true, false).ok());
  EXPECT_TRUE(Eventually(
      [&] {
        auto i = docker_.Inspect(ContainerOf("finn"));
        return i && i->state.running && i->id != first->id;
      },
      seconds(60)));
  EXPECT_TRUE(Eventually([&] { return Ready("finn") && Answers("finn", "finn"); }, seconds(60)));
}

TEST_F(InstanceE2e, ProvisionerTokenMayOnlyProvision) {
  std::string base = "/apis/berth.dev/v1alpha1/namespaces/" + ns_;
  EXPECT_EQ(Api("GET", base + "/stacks", "", prov_token_).status, 403);
  EXPECT_EQ(Api("GET", base + "/stacks/beaver", "", prov_token_).status, 403);
  EXPECT_EQ(Api("DELETE", base + "/stacks/beaver", "", prov_token_).status, 403);
  EXPECT_EQ(Api("GET", base + "/instances", "", prov_token_).status, 403);
  EXPECT_EQ(Api("GET", "/auth/v1/tokens", "", prov_token_).status, 403);
  EXPECT_EQ(StackPhase(), "Ready");

  // The CLI, as the provisioner: create, list, delete.
  std::map<std::string, std::string> env = {
      {"HOME", dir_.path() + "/home"},
      {"PATH", "/usr/bin:/bin"},
      {"BERTH_SERVER", "http://127.0.0.1:" + std::to_string(server_->port())},
      {"BERTH_TOKEN", prov_token_}};
  auto berth = [&](std::vector<std::string> args) {
    args.insert(args.begin(), BerthBinary());
    Process p(args, env, dir_.path());
    RunResult r;
    r.code = p.Wait(seconds(60));
    r.out = p.out();
    r.err = p.err();
    return r;
  };
  RunResult r = berth({"instance", "create", "gus@example.com", "--slug", "gus"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "http://gus.localhost:" + std::to_string(router_port_));
  r = berth({"instance", "create", "gus@example.com", "--slug", "gus.bad"});
  EXPECT_NE(r.code, 0);
  EXPECT_HAS(r.err, "spec.slug");
  r = berth({"instance", "list"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "gus@example.com");
  r = berth({"get", "stacks", "-n", ns_});
  EXPECT_NE(r.code, 0);
  EXPECT_HAS(r.err, "Forbidden");
  ASSERT_TRUE(Eventually([&] { return Ready("gus@example.com"); }, seconds(120)));
  r = berth({"instance", "delete", "gus@example.com", "--purge"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Eventually([&] { return !docker_.Inspect(ContainerOf("gus")); }, seconds(60)));
}

}  // namespace
}  // namespace berth::e2e
