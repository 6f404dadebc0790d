// The real `berth` binary against a real `berth serve` (SQLite, and
// PostgreSQL when BERTH_TEST_PG_URL is set): every verb, and the error
// paths a user meets.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "test/e2e/cli_e2e_support.h"

namespace berth::e2e {
namespace {

using nlohmann::json;

std::string StackDoc(const std::string& name, const std::string& image,
                     const std::string& extra = "") {
  return "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: " + name +
         "\n  labels:\n    app: e2e\nspec:\n  services:\n    web:\n      image: " + image + "\n" +
         extra;
}

class CliE2eTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    env_ = std::make_unique<BerthEnv>(GetParam());
    if (auto why = env_->Start()) BERTH_E2E_SKIP(*why);
  }
  void TearDown() override {
    if (HasFailure() && env_) std::cerr << "server log:\n" << env_->server_log();
  }
  RunResult Berth(std::vector<std::string> args, const std::string& in = "") {
    return env_->Berth(std::move(args), in);
  }
  json GetJson(const std::string& what) {
    RunResult r = Berth({"get", what, "-o", "json"});
    EXPECT_EQ(r.code, 0) << r.err;
    return json::parse(r.out.empty() ? "{}" : r.out);
  }
  std::unique_ptr<BerthEnv> env_;
};

#define EXPECT_HAS(haystack, needle)                                                              \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing \"" << (needle) << "\" in:\n" \
                                                        << (haystack)

TEST_P(CliE2eTest, ApplyGetDescribeDiffDelete) {
  std::string f = env_->Write(
      "app.yaml", StackDoc("web", "nginx:1", "      ports: [\"127.0.0.1:18080:80\"]\n") + "---\n" +
                      StackDoc("db", "postgres:15"));
  RunResult r = Berth({"apply", "-f", f});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "stack.berth.dev/web created\nstack.berth.dev/db created\n");

  r = Berth({"apply", "-f", f});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "stack.berth.dev/web unchanged\nstack.berth.dev/db unchanged\n");

  r = Berth({"get", "stacks"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "NAME   READY    STATUS   AGE");
  EXPECT_HAS(r.out, "\ndb     <none>   <none>   ");
  EXPECT_HAS(r.out, "\nweb    <none>   <none>   ");

  r = Berth({"get", "st/web", "-o", "yaml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "image: nginx:1");
  r = Berth({"get", "STACK", "web", "db", "-o", "name"});
  EXPECT_EQ(r.out, "stack.berth.dev/web\nstack.berth.dev/db\n");
  r = Berth({"get", "stacks", "-A", "-l", "app=e2e"});
  EXPECT_HAS(r.out, "NAMESPACE   NAME");

  r = Berth({"describe", "stack", "web"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "Name:");
  EXPECT_HAS(r.out, "127.0.0.1:18080:80");
  EXPECT_HAS(r.out, "Events:");

  // diff: nothing, then a change (exit 1) that apply then makes.
  r = Berth({"diff", "-f", f});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::string f2 = env_->Write("app2.yaml", StackDoc("web", "nginx:2"));
  r = Berth({"diff", "-f", f2});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_HAS(r.out, "-      image: nginx:1");
  EXPECT_HAS(r.out, "+      image: nginx:2");

  // Re-apply without `ports`: apply removes the dropped field.
  r = Berth({"apply", "-f", f2});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "stack.berth.dev/web configured\n");
  json web = GetJson("stack/web");
  EXPECT_EQ(web["spec"]["services"]["web"]["image"], "nginx:2");
  EXPECT_FALSE(web["spec"]["services"]["web"].contains("ports")) << web.dump(2);

  r = Berth({"delete", "-f", f, "--wait"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "stack.berth.dev \"web\" deleted");
  r = Berth({"get", "stacks"});
  EXPECT_EQ(r.out, "");
  EXPECT_HAS(r.err, "No resources found in default namespace.");
}

TEST_P(CliE2eTest, BadInputWritesNothingAndNamesFileDocumentField) {
  std::string bad_yaml = env_->Write("bad.yaml", StackDoc("a", "x") +
                                                     "---\nkind: Stack\n"
                                                     "metadata: {name: [b\n");
  RunResult r = Berth({"apply", "-f", bad_yaml});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "error: " + bad_yaml + ": document 2: line ");

  std::string multi = env_->Write(
      "multi.yaml", StackDoc("one", "x") + "---\n" +
                        StackDoc("two", "x", "      dependsOn: {db: sometime}\n") +
                        "---\napiVersion: berth.dev/v1alpha1\nkind: Pod\nmetadata:\n  name: p\n");
  r = Berth({"apply", "-f", multi});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err,
             "error: " + multi + ": document 2 (Stack/two): spec.services.web.dependsOn.db: ");
  EXPECT_HAS(r.err, "error: " + multi + ": document 3 (Pod/p): kind: unknown kind \"Pod\"");
  EXPECT_HAS(r.err, "nothing was applied");
  r = Berth({"get", "stacks", "-o", "name"});
  EXPECT_EQ(r.out, "") << "a bad document must stop every write";

  r = Berth({"get", "pods"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "error: unknown kind \"pods\"");

  r = Berth({"create", "-f", "-"}, StackDoc("dup", "x"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = Berth({"create", "-f", "-"}, StackDoc("dup", "x"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "already exists");
}

TEST_P(CliE2eTest, StaleResourceVersionIsAConflict) {
  ASSERT_EQ(Berth({"apply", "-f", "-"}, StackDoc("web", "nginx:1")).code, 0);
  std::string rv = GetJson("stack/web")["metadata"]["resourceVersion"];
  std::string doc = StackDoc("web", "nginx:2");
  doc.insert(doc.find("  labels"), "  resourceVersion: \"" + rv + "\"\n");
  RunResult r = Berth({"replace", "-f", "-"}, doc);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "stack.berth.dev/web replaced\n");
  r = Berth({"replace", "-f", "-"}, doc);  // the same, now stale, version
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "error: <stdin>: document 1 (Stack/web): ");
  EXPECT_HAS(r.err, "modified");
}

TEST_P(CliE2eTest, TokensAndAuthorization) {
  // No token at all: 401 with what to do.
  RunResult r = env_->BerthAs({"--server", env_->server_url(), "get", "stacks"}, env_->BaseEnv());
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "error: ");
  EXPECT_HAS(r.err, "no token was given");
  // A wrong token.
  r = env_->BerthAs({"--server", env_->server_url(), "--token", "wrong", "get", "stacks"},
                    env_->BaseEnv());
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "was not accepted");

  r = Berth({"token", "create", "reader", "--role", "viewer"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string viewer = r.out.substr(0, r.out.find('\n'));
  ASSERT_FALSE(viewer.empty());
  r = Berth({"token", "list"});
  EXPECT_HAS(r.out, "reader");
  EXPECT_EQ(r.out.find(viewer), std::string::npos) << "list must never show secrets";

  // The viewer reads but cannot write: 403, and nothing is written.
  auto env = env_->BaseEnv();
  env["BERTH_SERVER"] = env_->server_url();
  env["BERTH_TOKEN"] = viewer;
  r = env_->BerthAs({"get", "stacks"}, env);
  EXPECT_EQ(r.code, 0) << r.err;
  r = env_->BerthAs({"apply", "-f", "-"}, env, StackDoc("web", "x"));
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "error: ");
  EXPECT_HAS(ToLowerCopy(r.err), "forbidden");
  EXPECT_EQ(Berth({"get", "stacks", "-o", "name"}).out, "");

  r = Berth({"token", "delete", "reader"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = env_->BerthAs({"get", "stacks"}, env);
  EXPECT_EQ(r.code, 1);
}

TEST_P(CliE2eTest, ConfigFileIsUsedWhenNoFlagsOrEnv) {
  auto env = env_->BaseEnv();
  RunResult r = env_->BerthAs({"config", "set-server", env_->server_url()}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  r = env_->BerthAs({"config", "set-token", "-"}, env, env_->admin_token() + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  r = env_->BerthAs({"config", "set-namespace", "team"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::filesystem::status(env_->home() + "/.berth/config").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  r = env_->BerthAs({"apply", "-f", "-"}, env, StackDoc("web", "x"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = env_->BerthAs({"get", "stacks", "-A", "-o", "json"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["items"][0]["metadata"]["namespace"], "team");
  r = env_->BerthAs({"config", "view"}, env);
  EXPECT_EQ(r.out.find(env_->admin_token()), std::string::npos);
  // Environment beats the file.
  env["BERTH_SERVER"] = "http://127.0.0.1:1";
  r = env_->BerthAs({"get", "stacks"}, env);
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "cannot reach the berth server at http://127.0.0.1:1");
}

TEST_P(CliE2eTest, WatchSeesAnotherApply) {
  ASSERT_EQ(Berth({"apply", "-f", "-"}, StackDoc("web", "nginx:1")).code, 0);
  auto watch = env_->Spawn({"get", "stacks", "-w", "-o", "wide"});
  ASSERT_TRUE(watch->WaitForOutput("web ")) << watch->err();
  ASSERT_EQ(Berth({"apply", "-f", "-"}, StackDoc("web2", "nginx:1")).code, 0);
  EXPECT_TRUE(watch->WaitForOutput("\nweb2 ")) << watch->out() << watch->err();
  auto yaml_watch = env_->Spawn({"get", "stack", "web", "-w", "--watch-only", "-o", "yaml"});
  // Give the watch a moment to be established, then change the object; the
  // change is what we wait for, so a slow start only makes the test slower.
  for (int i = 0; i < 100 && yaml_watch->out().find("nginx:") == std::string::npos; ++i) {
    ASSERT_EQ(Berth({"apply", "-f", "-"}, StackDoc("web", "nginx:" + std::to_string(2 + i))).code,
              0);
    yaml_watch->WaitForOutput("nginx:", std::chrono::seconds(1));
  }
  EXPECT_HAS(yaml_watch->out(), "---\n");
}

TEST_P(CliE2eTest, WaitForConditionTimesOutThenSucceeds) {
  ASSERT_EQ(Berth({"apply", "-f", "-"}, StackDoc("web", "nginx:1")).code, 0);
  RunResult r = Berth({"wait", "stack/web", "--for=condition=Ready", "--timeout=2s"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err,
             "error: timed out after 2s waiting for stack.berth.dev/web for condition Ready=True");

  auto waiter = env_->Spawn({"wait", "stack/web", "--for=condition=Ready", "--timeout=60s"});
  json obj = GetJson("stack/web");
  obj["status"] = {{"phase", "Ready"},
                   {"conditions",
                    {{{"type", "Ready"},
                      {"status", "True"},
                      {"reason", "AllServicesReady"},
                      {"message", "set by the test"},
                      {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}};
  HttpResult put =
      Http(env_->port(), "PUT", "/apis/berth.dev/v1alpha1/namespaces/default/stacks/web/status",
           env_->admin_token(), obj.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(waiter->Wait(), 0) << waiter->err();
  EXPECT_EQ(waiter->out(), "stack.berth.dev/web condition met\n");
  r = Berth({"get", "stacks"});
  EXPECT_HAS(r.out, "Ready");
  r = Berth({"describe", "stack/web"});
  EXPECT_HAS(r.out, "AllServicesReady");
}

TEST_P(CliE2eTest, DeleteWaitWaitsForFinalizers) {
  std::string doc = StackDoc("held", "x");
  doc.insert(doc.find("  labels"), "  finalizers: [test.berth.dev/hold]\n");
  ASSERT_EQ(Berth({"apply", "-f", "-"}, doc).code, 0);
  auto deleter = env_->Spawn({"delete", "stack", "held", "--wait", "--timeout=60s"});
  ASSERT_TRUE(deleter->WaitForOutput("deleted")) << deleter->err();
  // Still there (finalizer pending) until the test releases it.
  json obj = GetJson("stack/held");
  EXPECT_TRUE(obj["metadata"].contains("deletionTimestamp")) << obj.dump(2);
  HttpResult patch = Http(
      env_->port(), "PATCH", "/apis/berth.dev/v1alpha1/namespaces/default/stacks/held",
      env_->admin_token(), R"({"metadata":{"finalizers":null}})", "application/merge-patch+json");
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(deleter->Wait(), 0) << deleter->err();

  RunResult r = Berth({"apply", "-f", "-"}, StackDoc("quick", "x"));
  ASSERT_EQ(r.code, 0);
  r = Berth({"delete", "stack", "quick", "--wait", "--timeout=30s"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = Berth({"delete", "stack", "quick"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "not found");
}

TEST_P(CliE2eTest, PruneRemovesWhatLeftTheManifests) {
  ASSERT_EQ(Berth({"apply", "-f", "-"}, StackDoc("a", "x") + "---\n" + StackDoc("b", "x")).code, 0);
  RunResult r = Berth({"apply", "--prune", "-l", "app=e2e", "-f", "-"}, StackDoc("a", "x"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "stack.berth.dev/a unchanged");
  EXPECT_HAS(r.out, "stack.berth.dev/b pruned");
  EXPECT_EQ(Berth({"get", "stacks", "-o", "name"}).out, "stack.berth.dev/a\n");
}

TEST_P(CliE2eTest, DiscoveryVersionExplainLogs) {
  RunResult r = Berth({"api-resources"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "NAME");
  EXPECT_HAS(r.out, "stacks ");
  EXPECT_HAS(r.out, "berth.dev/v1alpha1");
  r = Berth({"version"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "Client Version: v");
  EXPECT_HAS(r.out, "Server Version: ");
  r = Berth({"explain", "stack.spec.services.healthcheck"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "FIELDS:");
  r = Berth({"logs", "stack/nope", "web"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "error: ");
}

// RFC 3339 (UTC, seconds) of now minus `minutes`.
std::string MinutesAgo(int minutes) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                       std::chrono::minutes(minutes));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Where `needle` is in `haystack`; npos fails the test.
size_t At(const std::string& haystack, const std::string& needle) {
  size_t at = haystack.find(needle);
  EXPECT_NE(at, std::string::npos) << "missing \"" << needle << "\" in:\n" << haystack;
  return at;
}

TEST_P(CliE2eTest, EventsAboutObjectsAreListedAndDescribedNewestLast) {
  ASSERT_EQ(
      Berth({"apply", "-f", "-"}, StackDoc("web", "nginx:1") + "---\n" + StackDoc("api", "nginx:1"))
          .code,
      0);
  std::string web_uid = GetJson("stack/web")["metadata"]["uid"];
  // Events as the controllers write them (runtime::EventRecorder), posted
  // out of time order: the order shown must come from their times.
  auto post = [&](const std::string& ns, const std::string& name, const std::string& about,
                  const std::string& type, const std::string& reason, const std::string& note,
                  int minutes_ago) {
    json ev = {{"apiVersion", "berth.dev/v1alpha1"},
               {"kind", "Event"},
               {"metadata", {{"name", name}, {"namespace", ns}}},
               {"regarding",
                {{"apiVersion", "berth.dev/v1alpha1"},
                 {"kind", "Stack"},
                 {"namespace", ns},
                 {"name", about}}},
               {"type", type},
               {"reason", reason},
               {"note", note},
               {"action", "Reconcile"},
               {"reportingController", "berth.dev/stack-controller"},
               {"reportingInstance", "e2e"},
               {"eventTime", MinutesAgo(minutes_ago)}};
    if (about == "web" && ns == "default") ev["regarding"]["uid"] = web_uid;
    HttpResult r =
        Http(env_->port(), "POST", "/apis/berth.dev/v1alpha1/namespaces/" + ns + "/events",
             env_->admin_token(), ev.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  };
  post("default", "web.unhealthy", "web", "Warning", "Unhealthy", "health check failed: exit 1", 2);
  post("default", "web.created", "web", "Normal", "ContainerCreated", "created container web-web-1",
       10);
  post("default", "api.created", "api", "Normal", "ContainerCreated", "created container api-web-1",
       5);
  post("team", "web.failed", "web", "Warning", "JobFailed", "job pg_init exited 3", 1);

  // This namespace: every event, oldest first, with reason, object and message.
  RunResult r = Berth({"events"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')).find("LAST SEEN"), 0u) << r.out;
  EXPECT_HAS(r.out, "REASON");
  EXPECT_HAS(r.out, "MESSAGE");
  size_t web_created = At(r.out, "created container web-web-1");
  size_t api_created = At(r.out, "created container api-web-1");
  size_t unhealthy = At(r.out, "health check failed: exit 1");
  EXPECT_LT(web_created, api_created) << r.out;
  EXPECT_LT(api_created, unhealthy) << r.out;
  EXPECT_HAS(r.out, "Unhealthy");
  EXPECT_HAS(r.out, "ContainerCreated");
  EXPECT_HAS(r.out, "stack/api");
  EXPECT_HAS(r.out, "stack/web");
  EXPECT_EQ(r.out.find("job pg_init exited 3"), std::string::npos) << "another namespace's";

  // Every namespace: with a NAMESPACE column, the team event newest and last.
  r = Berth({"events", "-A"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("NAMESPACE"), 0u) << r.out;
  size_t team = At(r.out, "job pg_init exited 3");
  EXPECT_LT(At(r.out, "health check failed: exit 1"), team) << r.out;
  EXPECT_HAS(r.out, "\nteam ");
  EXPECT_HAS(r.out, "JobFailed");

  // One object: its events only.
  r = Berth({"events", "--for", "stack/web"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LT(At(r.out, "created container web-web-1"), At(r.out, "health check failed: exit 1"))
      << r.out;
  EXPECT_EQ(r.out.find("created container api-web-1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("job pg_init exited 3"), std::string::npos) << r.out;
  r = Berth({"events", "--types", "Warning"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "health check failed: exit 1");
  EXPECT_EQ(r.out.find("created container"), std::string::npos) << r.out;

  // describe: the object's events, oldest first, with reason, reporter and
  // message, and nobody else's.
  r = Berth({"describe", "stack", "web"});
  ASSERT_EQ(r.code, 0) << r.err;
  size_t events = At(r.out, "Events:");
  size_t created = At(r.out, "created container web-web-1");
  size_t failing = At(r.out, "health check failed: exit 1");
  EXPECT_LT(events, created) << r.out;
  EXPECT_LT(created, failing) << r.out;
  EXPECT_HAS(r.out.substr(events), "ContainerCreated");
  EXPECT_HAS(r.out.substr(events), "Unhealthy");
  EXPECT_HAS(r.out.substr(events), "Warning");
  EXPECT_HAS(r.out.substr(events), "berth.dev/stack-controller");
  EXPECT_EQ(r.out.find("created container api-web-1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("job pg_init exited 3"), std::string::npos) << r.out;
  r = Berth({"describe", "stack", "api"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "created container api-web-1");
  EXPECT_EQ(r.out.find("health check failed"), std::string::npos) << r.out;
}

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(Backends, CliE2eTest, ::testing::Values("sqlite", "postgres"),
                         BackendName);

}  // namespace
}  // namespace berth::e2e
