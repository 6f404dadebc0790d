// Instances end to end, part 2, against the real dockerd and the real nginx
// router of the Beaver test Stack: a routed Instance whose route turns bad
// keeps serving under its old route (restored byte for byte, Degraded with
// nginx's message, nobody else touched); `berth diff` of an Instance that
// switches Provider shows its config.json; a Provider pointing back at the
// Instance that uses it is refused through the real API; and a per-namespace
// quota holds against parallel provisions, with colliding default slugs.
#include <algorithm>
#include <filesystem>
#include <thread>

#include "test/e2e/instance_e2e_support.h"

namespace berth::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

#define EXPECT_HAS(haystack, needle)                                                              \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

// The condition `type` of an Instance object ({} when absent).
json Condition(const json& obj, const std::string& type) {
  if (!obj.is_object() || !obj.contains("status")) return json::object();
  for (const auto& c : obj["status"].value("conditions", json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return json::object();
}

class InstanceRouterE2e : public InstanceE2e {
 protected:
  // A second template, "custom": the app template with a routeConfig of its own.
  void AddCustomTemplate(const std::string& route_config) {
    json patch = {
        {"spec",
         {{"instanceTemplates",
           {{"custom",
             {{"image", "berth-test/busybox:1"},
              {"command", {"sh", "-c", "INSTANCE_ID=\"$BERTH_USER\" exec berth-echo 8080"}},
              {"port", 8080},
              {"routeConfig", route_config},
              {"labels", {{"berth.dev/test", "1"}, {kSuiteLabel, kSuite}}}}}}}}}};
    HttpResult pr = Http(server_->port(), "PATCH", StackPath(), server_->token(), patch.dump(),
                         "application/merge-patch+json");
    ASSERT_EQ(pr.status, 200) << pr.body;
  }
  std::string Name(const std::string& user) { return Instance(user).value("name", ""); }
};

TEST_F(InstanceRouterE2e, ARoutedInstanceWhoseRouteTurnsBadKeepsServing) {
  AddCustomTemplate("client_max_body_size 10m;\n");
  ASSERT_EQ(Provision({{"user", "alice"}, {"template", "beaver/custom"}}).status, 201);
  ASSERT_EQ(Provision({{"user", "bob"}}).status, 201);
  ASSERT_TRUE(Eventually([&] { return Ready("alice") && Ready("bob"); }, seconds(120)));
  ASSERT_TRUE(
      Eventually([&] { return Answers("alice", "alice") && Answers("bob", "bob"); }, seconds(30)));
  const std::string alice_route = ReadFile(RouteFile("alice"));
  const std::string bob_route = ReadFile(RouteFile("bob"));
  EXPECT_HAS(alice_route, "client_max_body_size 10m;");
  auto alice_box = docker_.Inspect(ContainerOf("alice"));
  auto bob_box = docker_.Inspect(ContainerOf("bob"));
  ASSERT_TRUE(alice_box && bob_box);
  EXPECT_EQ(Condition(InstanceObject(Name("alice")), "Degraded").value("status", ""), "False");

  // Alice's route becomes one nginx -t refuses.
  AddCustomTemplate("client_max_body_size 10m;\nbogus_directive on;\n");
  std::string alice = Name("alice");
  bool degraded = Eventually(
      [&] {
        json c = Condition(InstanceObject(alice), "Degraded");
        return c.value("status", "") == "True" && c.value("reason", "") == "RouteRejected";
      },
      seconds(120), std::chrono::milliseconds(250));
  json obj = InstanceObject(alice);
  ASSERT_TRUE(degraded) << obj.dump(2);
  json cond = Condition(obj, "Degraded");
  // nginx's own message, and the generation it was observed at.
  EXPECT_HAS(cond.value("message", ""), "unknown directive \"bogus_directive\"");
  EXPECT_EQ(cond.value("observedGeneration", -1), obj["metadata"].value("generation", -2));
  EXPECT_EQ(obj["status"]["phase"], "Degraded");
  // The old file, byte for byte; nginx still serves it and alice still answers.
  EXPECT_EQ(ReadFile(RouteFile("alice")), alice_route);
  EXPECT_TRUE(Answers("alice", "alice")) << Through("alice").body;
  EXPECT_EQ(docker_.Inspect(ContainerOf("alice"))->id, alice_box->id);
  // Bob: untouched and answering.
  EXPECT_EQ(ReadFile(RouteFile("bob")), bob_route);
  EXPECT_TRUE(Answers("bob", "bob"));
  EXPECT_EQ(docker_.Inspect(ContainerOf("bob"))->id, bob_box->id);
  EXPECT_EQ(Condition(InstanceObject(Name("bob")), "Degraded").value("status", ""), "False");
  EXPECT_TRUE(Ready("bob"));
  RunResult events = server_->Berth({"events", "-n", ns_});
  EXPECT_HAS(events.out, "RouteRejected");

  // Fixed again: routed with the new file, Degraded False.
  AddCustomTemplate("client_max_body_size 20m;\n");
  EXPECT_TRUE(Eventually(
      [&] {
        return Condition(InstanceObject(alice), "Degraded").value("status", "") == "False" &&
               Ready("alice");
      },
      seconds(120)))
      << InstanceObject(alice).dump(2);
  EXPECT_HAS(ReadFile(RouteFile("alice")), "client_max_body_size 20m;");
  EXPECT_TRUE(Answers("alice", "alice"));
}

TEST_F(InstanceRouterE2e, DiffShowsTheConfigJsonOfAnotherProviderAndLoopsAreRefused) {
  ASSERT_EQ(Provision({{"user", "carol"}}).status, 201);
  ASSERT_TRUE(Eventually([&] { return Ready("carol"); }, seconds(120)));
  const std::string key = "sk-carol-e2e-1234";
  HttpResult r = Api("POST", "/provision/v1/instances/carol/provider",
                     json{{"type", "openai-compatible"},
                          {"baseURL", "http://llm.example.test:4000/v1"},
                          {"models", {"small"}},
                          {"apiKey", key}}
                         .dump(),
                     prov_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string name = Name("carol");
  ASSERT_TRUE(Eventually(
      [&] { return Ready("carol") && Through("carol").body.find(key) != std::string::npos; },
      seconds(60)));
  auto box = docker_.Inspect(ContainerOf("carol"));
  ASSERT_TRUE(box);

  std::string alt =
      "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata: {name: alt-key, "
      "namespace: " +
      ns_ +
      "}\nstringData: {apiKey: sk-alt-e2e-5678}\n---\n"
      "apiVersion: berth.dev/v1alpha1\nkind: Provider\nmetadata: {name: alt, "
      "namespace: " +
      ns_ +
      "}\nspec:\n  type: openai-compatible\n  baseURL: http://alt.example.test/v1\n"
      "  models: [big]\n  apiKeySecretRef: {name: alt-key, key: apiKey}\n";
  RunResult ar = server_->Apply(alt);
  ASSERT_EQ(ar.code, 0) << ar.out << ar.err;

  auto instance_yaml = [&](const std::string& provider) {
    return "apiVersion: berth.dev/v1alpha1\nkind: Instance\nmetadata: {name: " + name +
           ", namespace: " + ns_ +
           "}\nspec:\n  user: carol\n  slug: carol\n  template: {stack: beaver, name: app}\n"
           "  provider: " +
           provider + "\n";
  };
  RunResult diff = server_->Berth({"diff", "-f", "-"}, instance_yaml("alt"));
  EXPECT_EQ(diff.code, 1) << diff.out << diff.err;
  EXPECT_HAS(diff.out, "diff -u -N live/rendered/" + ns_ + "/instance/" + name + "/config.json");
  EXPECT_HAS(diff.out, "-  \"baseURL\": \"http://llm.example.test:4000/v1\",");
  EXPECT_HAS(diff.out, "+  \"baseURL\": \"http://alt.example.test/v1\",");
  EXPECT_HAS(diff.out, "+  provider: alt");  // the object's own change is shown too
  EXPECT_HAS(diff.out, "<redacted:sha256:");
  EXPECT_EQ(diff.out.find(key), std::string::npos) << diff.out;
  EXPECT_EQ(diff.out.find("sk-alt-e2e"), std::string::npos) << diff.out;
  // Nothing was changed by the diff.
  EXPECT_EQ(InstanceObject(name)["spec"].value("provider", ""), name);
  auto still = docker_.Inspect(ContainerOf("carol"));
  ASSERT_TRUE(still);
  EXPECT_EQ(still->state.started_at, box->state.started_at);

  // The same manifest as stored: no difference at all.
  RunResult same = server_->Berth({"diff", "-f", "-"}, instance_yaml(name));
  EXPECT_EQ(same.code, 0) << same.out << same.err;

  // A Provider pointing back at the Instance that uses it: refused, naming
  // the field, through `berth apply` (the real API); nothing changes.
  std::string router = "http://carol.localhost:" + std::to_string(router_port_) + "/v1";
  std::string looped =
      "apiVersion: berth.dev/v1alpha1\nkind: Provider\nmetadata: {name: " + name +
      ", namespace: " + ns_ + "}\nspec:\n  type: openai-compatible\n  baseURL: " + router +
      "\n  models: [small]\n  apiKeySecretRef: {name: " + name + "-provider-key, key: apiKey}\n";
  RunResult refused = server_->Apply(looped);
  EXPECT_NE(refused.code, 0) << refused.out;
  EXPECT_HAS(refused.err, "spec.baseURL");
  EXPECT_HAS(refused.err, "Instance " + ns_ + "/" + name);
  json p = json::parse(
      Api("GET", "/apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/providers/" + name).body, nullptr,
      false);
  EXPECT_EQ(p["spec"].value("baseURL", ""), "http://llm.example.test:4000/v1");
  // ... and the other way round: an Instance pointed at a Provider that is it.
  std::string loop_provider =
      "apiVersion: berth.dev/v1alpha1\nkind: Provider\nmetadata: "
      "{name: loop, namespace: " +
      ns_ + "}\nspec:\n  type: vllm\n  baseURL: http://" + ContainerOf("carol") +
      ":8080/v1\n  models: [m]\n";
  ASSERT_EQ(server_->Apply(loop_provider).code, 0);
  refused = server_->Apply(instance_yaml("loop"));
  EXPECT_NE(refused.code, 0) << refused.out;
  EXPECT_HAS(refused.err, "spec.provider");
  EXPECT_EQ(InstanceObject(name)["spec"].value("provider", ""), name);
}

class InstanceQuotaE2e : public InstanceRouterE2e {
 protected:
  std::vector<std::string> ServeArgs() override {
    std::vector<std::string> args = InstanceE2e::ServeArgs();  // --instance-quota 60
    args.insert(args.end(), {"--instance-quota", ns_ + "=4"});
    return args;
  }
};

TEST_F(InstanceQuotaE2e, TheNamespaceQuotaHoldsAndCollidingSlugsGetTheirOwn) {
  // bob.smith and bob_smith both default to bob-smith: two Instances, two hosts.
  HttpResult first = Provision({{"user", "bob.smith"}});
  HttpResult second = Provision({{"user", "bob_smith"}});
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  std::string s1 = json::parse(first.body)["slug"], s2 = json::parse(second.body)["slug"];
  EXPECT_EQ(s1, "bob-smith");
  EXPECT_TRUE(s2.starts_with("bob-smith-") && s2.size() == 16) << s2;
  HttpResult again = Provision({{"user", "bob_smith"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["slug"], s2);
  HttpResult taken = Provision({{"user", "eve"}, {"slug", "bob-smith"}});
  EXPECT_EQ(taken.status, 422) << taken.body;
  EXPECT_HAS(taken.body, "spec.slug");
  ASSERT_TRUE(Eventually(
      [&] {
        return Ready("bob.smith") && Ready("bob_smith") && Answers(s1, "bob.smith") &&
               Answers(s2, "bob_smith");
      },
      seconds(120)));

  // Eight at once against the two places left.
  std::vector<int> codes(8, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      codes[i] = Provision({{"user", "par" + std::to_string(i)}}).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), 201), 2);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), 403), 6);
  EXPECT_EQ(ListInstances().size(), 4u);
  HttpResult over = Provision({{"user", "late"}});
  EXPECT_EQ(over.status, 403) << over.body;
  EXPECT_HAS(over.body, "limited: 4");
}

}  // namespace
}  // namespace berth::e2e
