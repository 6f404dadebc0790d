// The commands, run in-process against an in-memory server.
#include "operator/cli/app.h"

#include <gtest/gtest.h>

#include "test/cli/cli_test_support.h"

namespace berth::cli {
namespace {

using api::Json;
using testing::CliHarness;
using testing::TempDir;

std::string StackDoc(const std::string& name, const std::string& image,
                     const std::string& extra = "") {
  return "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: " + name +
         "\n  labels:\n    app: demo\nspec:\n  services:\n    web:\n      image: " + image + "\n" +
         extra;
}

TEST(AppTest, ApplyValidatesEveryDocumentAndWritesNothingWhenOneIsBad) {
  CliHarness h;
  TempDir dir;
  std::string f = dir.Write("app.yaml", StackDoc("good", "nginx") + "---\n" +
                                            StackDoc("bad", "nginx", "      bogus: 1\n") +
                                            "---\napiVersion: berth.dev/v1alpha1\nkind: Pod\n"
                                            "metadata:\n  name: p\n");
  EXPECT_EQ(h.Run({"apply", "-f", f}), 1);
  EXPECT_EQ(h.server->writes, 0);
  std::string err = h.err.str();
  EXPECT_NE(err.find("error: " + f + ": document 2 (Stack/bad): spec.services.web.bogus: "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("error: " + f + ": document 3 (Pod/p): kind: unknown kind \"Pod\""),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("nothing was applied"), std::string::npos) << err;
}

TEST(AppTest, ApplyServerRejectionAlsoWritesNothing) {
  CliHarness h;
  h.server->validate = [](const api::Object& o) {
    if (o.name() != "two") return Status::Ok();
    return Status::Invalid("Stack \"two\" is invalid",
                           {{"spec.services.web.ports[0]", "host port 80 is already published"}});
  };
  EXPECT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("one", "a") + "---\n" + StackDoc("two", "b")), 1);
  EXPECT_EQ(h.server->writes, 0);
  EXPECT_NE(h.err.str().find("error: <stdin>: document 2 (Stack/two): "
                             "spec.services.web.ports[0]: host port 80 is already published"),
            std::string::npos)
      << h.err.str();
}

TEST(AppTest, ApplyCreatesThenUnchangedThenConfigured) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx:1")), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web created\n");
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx:1")), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web unchanged\n");
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx:2")), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web configured\n");
  ASSERT_EQ(h.Run({"apply", "--dry-run=server", "-f", "-"}, StackDoc("web", "nginx:3")), 0);
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web configured (server dry run)\n");
  EXPECT_EQ(h.server->objects["Stack/default/web"]["spec"]["services"]["web"]["image"], "nginx:2");
}

TEST(AppTest, ApplyNamespaceRules) {
  CliHarness h;
  std::string in_ns = StackDoc("web", "nginx");
  in_ns.insert(in_ns.find("  labels"), "  namespace: prod\n");
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, in_ns), 0) << h.err.str();
  EXPECT_TRUE(h.server->objects.count("Stack/prod/web"));
  EXPECT_EQ(h.Run({"apply", "-n", "dev", "-f", "-"}, in_ns), 1);
  EXPECT_NE(h.err.str().find("metadata.namespace: the object's namespace \"prod\" does not match"),
            std::string::npos);
  ASSERT_EQ(h.Run({"apply", "-f", "-", "-n", "dev"}, StackDoc("api", "x")), 0) << h.err.str();
  EXPECT_TRUE(h.server->objects.count("Stack/dev/api"));
}

TEST(AppTest, ApplyClientDryRunNeedsNoServer) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "--dry-run=client", "-f", "-"}, StackDoc("web", "nginx")), 0);
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web validated (dry run)\n");
  EXPECT_FALSE(h.connection.has_value());
}

TEST(AppTest, ApplyPruneDeletesOnlyAppliedObjectsMissingFromTheManifests) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("a", "x") + "---\n" + StackDoc("b", "x")), 0);
  // Simulate the server's last-applied annotation on what apply wrote.
  for (auto& [k, j] : h.server->objects)
    j["metadata"]["annotations"]["berth.dev/last-applied"] = "{}";
  // Made by someone else: matching labels, but never applied.
  h.server->Put(Json::parse(R"({"apiVersion":"berth.dev/v1alpha1",
      "kind":"Stack","metadata":{"name":"c","namespace":"default","labels":{"app":"demo"}}})"));
  EXPECT_EQ(h.Run({"apply", "--prune", "-f", "-"}, StackDoc("a", "x")), 1);
  EXPECT_NE(h.err.str().find("--prune needs -l"), std::string::npos);
  ASSERT_EQ(h.Run({"apply", "--prune", "-l", "app=demo", "-f", "-"}, StackDoc("a", "x")), 0)
      << h.err.str();
  EXPECT_NE(h.out.str().find("stack.berth.dev/b pruned"), std::string::npos) << h.out.str();
  EXPECT_FALSE(h.server->objects.count("Stack/default/b"));
  EXPECT_TRUE(h.server->objects.count("Stack/default/c"));
}

TEST(AppTest, CreateRefusesExisting) {
  CliHarness h;
  ASSERT_EQ(h.Run({"create", "-f", "-"}, StackDoc("web", "nginx")), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web created\n");
  EXPECT_EQ(h.Run({"create", "-f", "-"}, StackDoc("web", "nginx")), 1);
  EXPECT_NE(h.err.str().find("already exists"), std::string::npos) << h.err.str();
}

TEST(AppTest, ReplaceIsConditionalOnResourceVersion) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx:1")), 0);
  std::string rv = api::Object(h.server->objects["Stack/default/web"]).resource_version();
  std::string doc = StackDoc("web", "nginx:2");
  doc.insert(doc.find("  labels"), "  resourceVersion: \"" + rv + "\"\n");
  ASSERT_EQ(h.Run({"replace", "-f", "-"}, doc), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web replaced\n");
  EXPECT_EQ(h.Run({"replace", "-f", "-"}, doc), 1);  // rv is stale now
  EXPECT_NE(
      h.err.str().find("error: <stdin>: document 1 (Stack/web): the object has been modified"),
      std::string::npos)
      << h.err.str();
}

TEST(AppTest, GetFormatsAndErrors) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx") + "---\n" + StackDoc("db", "pg")),
            0);
  h.clock.Advance(std::chrono::minutes(5));
  ASSERT_EQ(h.Run({"get", "stacks"}), 0) << h.err.str();
  EXPECT_EQ(h.out.str(),
            "NAME   READY    STATUS   AGE\n"
            "db     <none>   <none>   5m\n"
            "web    <none>   <none>   5m\n");
  ASSERT_EQ(h.Run({"get", "st", "web", "-o", "name"}), 0);
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web\n");
  ASSERT_EQ(h.Run({"get", "stack/web", "-o", "json"}), 0);
  EXPECT_EQ(Json::parse(h.out.str())["metadata"]["name"], "web");
  ASSERT_EQ(h.Run({"get", "STACKS", "-o", "yaml", "-l", "app=demo"}), 0);
  EXPECT_NE(h.out.str().find("kind: List"), std::string::npos);
  ASSERT_EQ(h.Run({"get", "stacks", "-A"}), 0);
  EXPECT_EQ(h.out.str().substr(0, 12), "NAMESPACE   ");
  EXPECT_EQ(h.Run({"get", "stack", "nope"}), 1);
  EXPECT_EQ(h.err.str(), "error: stacks.berth.dev \"nope\" not found\n");
  EXPECT_EQ(h.Run({"get", "pods"}), 1);
  EXPECT_NE(h.err.str().find("error: unknown kind \"pods\""), std::string::npos);
  ASSERT_EQ(h.Run({"get", "secrets"}), 0);
  EXPECT_EQ(h.err.str(), "No resources found in default namespace.\n");
  EXPECT_EQ(h.Run({"get", "stacks", "-o", "xml"}), 1);
}

TEST(AppTest, GetWatchPrintsTableThenChanges) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx")), 0);
  Json changed = h.server->objects["Stack/default/web"];
  changed["status"] = {{"ready", "1/1"}, {"phase", "Ready"}};
  h.server->events.push_back(
      {"BOOKMARK", api::Object(Json::parse(R"({"metadata":{"resourceVersion":"500"}})"))});
  h.server->events.push_back({"MODIFIED", api::Object(changed)});
  // The fake server ends the stream with an error once its events are out.
  EXPECT_EQ(h.Run({"get", "stacks", "-w"}), 1);
  EXPECT_EQ(h.out.str(),
            "NAME   READY    STATUS   AGE\n"
            "web    <none>   <none>   0s\n"
            "web    1/1      Ready    0s\n");
}

TEST(AppTest, ServeFillsOptions) {
  static serve::Options seen;
  CliHarness h;
  h.serve = [](const serve::Options& o) {
    seen = o;
    return 0;
  };
  ASSERT_EQ(
      h.Run({"serve", "--listen", "127.0.0.1:9999", "--no-controllers", "--workers", "2", "--store",
             "postgresql://u:p@h/db", "--no-leader-elect", "--log-level", "debug"}),
      0)
      << h.err.str();
  EXPECT_EQ(seen.listen, "127.0.0.1:9999");
  EXPECT_FALSE(seen.controllers);
  EXPECT_FALSE(seen.leader_elect);
  EXPECT_EQ(seen.workers, 2);
  EXPECT_EQ(seen.store_url, "postgresql://u:p@h/db");
  EXPECT_EQ(seen.log_level, "debug");
  EXPECT_EQ(seen.data_dir, h.data.path());
  ASSERT_EQ(h.Run({"serve", "--data-dir", "/tmp/x"}), 0);
  EXPECT_EQ(seen.store_url, "sqlite:///tmp/x/berth.db");
  EXPECT_TRUE(seen.controllers);
  EXPECT_EQ(h.Run({"serve", "--tls-cert", "c.pem"}), 1);  // needs --tls-key
  h.serve = [](const serve::Options&) { return 3; };
  EXPECT_EQ(h.Run({"serve"}), 3);
}

TEST(AppTest, ExplainReadsTheCrd) {
  CliHarness h;
  ASSERT_EQ(h.Run({"explain", "stack.spec.services.dependsOn"}), 0) << h.err.str();
  EXPECT_NE(h.out.str().find("KIND:     Stack"), std::string::npos);
  EXPECT_NE(h.out.str().find("FIELD:    dependsOn <map[string]string>"), std::string::npos)
      << h.out.str();
  ASSERT_EQ(h.Run({"explain", "stacks.spec.services"}), 0);
  EXPECT_NE(h.out.str().find("  image\t<string> -required-"), std::string::npos) << h.out.str();
  ASSERT_EQ(h.Run({"explain", "stack", "--recursive"}), 0);
  EXPECT_NE(h.out.str().find("      dependsOn\t<map[string]string>"), std::string::npos)
      << h.out.str();
  EXPECT_EQ(h.Run({"explain", "stack.spec.nope"}), 1);
  EXPECT_NE(h.err.str().find("field \"nope\" does not exist in Stack.spec"), std::string::npos);
}

TEST(AppTest, ConfigCommandsEditTheFile) {
  CliHarness h;
  ASSERT_EQ(h.Run({"config", "set-server", "https://b:7443"}), 0) << h.err.str();
  ASSERT_EQ(h.Run({"config", "set-token", "-"}, "s3cret\n"), 0);
  ASSERT_EQ(h.Run({"config", "set-namespace", "prod"}), 0);
  ASSERT_EQ(h.Run({"config", "view"}), 0);
  EXPECT_NE(h.out.str().find("token: REDACTED"), std::string::npos) << h.out.str();
  EXPECT_EQ(h.out.str().find("s3cret"), std::string::npos);
  ASSERT_EQ(h.Run({"config", "view", "--raw"}), 0);
  EXPECT_NE(h.out.str().find("s3cret"), std::string::npos);
  h.env["BERTH_SERVER"] = "https://env:1";
  ASSERT_EQ(h.Run({"config", "current"}), 0);
  EXPECT_NE(h.out.str().find("server:     https://env:1  (from environment)"), std::string::npos)
      << h.out.str();
  EXPECT_NE(h.out.str().find("namespace:  prod  (from config file)"), std::string::npos);
  EXPECT_EQ(h.out.str().find("s3cret"), std::string::npos);
  // The resolved connection reaches the client: flag > env > file.
  ASSERT_EQ(h.Run({"get", "stacks", "--server", "https://flag:1"}), 0);
  EXPECT_EQ(h.connection->server, "https://flag:1");
  EXPECT_EQ(h.connection->token, "s3cret");
  EXPECT_EQ(h.connection->ns, "prod");
  EXPECT_EQ(h.Run({"config", "set-server", "ftp://x"}), 1);
}

TEST(AppTest, DiffExitCodes) {
  CliHarness h;
  EXPECT_EQ(h.Run({"diff", "-f", "-"}, StackDoc("web", "nginx:1")), 1);
  EXPECT_NE(h.out.str().find("+kind: Stack"), std::string::npos) << h.out.str();
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx:1")), 0);
  EXPECT_EQ(h.Run({"diff", "-f", "-"}, StackDoc("web", "nginx:1")), 0);
  EXPECT_EQ(h.out.str(), "");
  EXPECT_EQ(h.Run({"diff", "-f", "-"}, StackDoc("web", "nginx:2")), 1);
  EXPECT_NE(h.out.str().find("-      image: nginx:1\n+      image: nginx:2\n"), std::string::npos)
      << h.out.str();
  EXPECT_NE(h.out.str().find("--- live/berth.dev.v1alpha1.Stack.default.web"), std::string::npos);
  EXPECT_EQ(h.Run({"diff", "-f", "-"}, "kind: [\n"), 2);
}

TEST(AppTest, DescribeStackAndSecret) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx",
                                                 "      ports: [\"127.0.0.1:8080:80\"]\n"
                                                 "      dependsOn: {db: healthy}\n"
                                                 "    db:\n      image: postgres\n")),
            0)
      << h.err.str();
  Json& live = h.server->objects["Stack/default/web"];
  live["status"] = Json::parse(R"({"phase":"Progressing","ready":"1/2",
      "services":{"db":{"phase":"Healthy","health":"healthy","containerID":"0123456789abcdef",
      "containerName":"web-db","restartCount":2}},
      "conditions":[{"type":"Ready","status":"False","reason":"Waiting","message":"web waits for db"}]})");
  h.server->Put(Json::parse(R"({"apiVersion":"berth.dev/v1alpha1","kind":"Event",
      "metadata":{"name":"e1","namespace":"default"},"type":"Normal","reason":"ContainerStarted",
      "note":"started web-db","regarding":{"kind":"Stack","name":"web","namespace":"default"},
      "eventTime":"2027-01-15T08:00:00Z"})"));
  ASSERT_EQ(h.Run({"describe", "stack", "web"}), 0) << h.err.str();
  std::string d = h.out.str();
  for (const char* want : {"Name:", "web", "Services:", "  db:", "Image:", "postgres", "Container:",
                           "web-db (0123456789ab)", "Restarts:", "2", "Depends On:", "db: healthy",
                           "127.0.0.1:8080:80", "Conditions:", "web waits for db",
                           "Events:", "ContainerStarted", "started web-db"}) {
    EXPECT_NE(d.find(want), std::string::npos) << want << "\n" << d;
  }
  h.server->Put(Json::parse(R"({"apiVersion":"berth.dev/v1alpha1","kind":"Secret",
      "metadata":{"name":"pw","namespace":"default"},"type":"Opaque",
      "data":{"password":"aHVudGVyMg==","redacted":"<redacted>"}})"));
  ASSERT_EQ(h.Run({"describe", "secret/pw"}), 0);
  EXPECT_NE(h.out.str().find("password:  7 bytes"), std::string::npos) << h.out.str();
  EXPECT_NE(h.out.str().find("redacted:  <redacted>"), std::string::npos) << h.out.str();
  EXPECT_EQ(h.out.str().find("aHVudGVyMg"), std::string::npos);
  EXPECT_EQ(h.Run({"describe", "stack", "nope"}), 1);
}

TEST(AppTest, WaitForConditionAndTimeout) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx")), 0);
  EXPECT_EQ(h.Run({"wait", "stack/web", "--for=condition=Ready", "--timeout=1s"}), 1);
  EXPECT_EQ(h.err.str(),
            "error: timed out after 1s waiting for stack.berth.dev/web for condition Ready=True; "
            "now: no Ready condition\n");
  Json ready = h.server->objects["Stack/default/web"];
  ready["status"]["conditions"] = Json::parse(R"([{"type":"Ready","status":"True"}])");
  h.server->events.push_back({"MODIFIED", api::Object(ready)});
  ASSERT_EQ(h.Run({"wait", "stack", "web", "--for", "condition=ready", "--timeout", "5s"}), 0)
      << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev/web condition met\n");
  EXPECT_EQ(h.Run({"wait", "stack/nope", "--for=condition=Ready"}), 1);
  EXPECT_EQ(h.Run({"wait", "stack/web", "--for=ready"}), 1);
}

TEST(AppTest, DeleteWaitsThroughTheWatch) {
  CliHarness h;
  ASSERT_EQ(h.Run({"apply", "-f", "-"}, StackDoc("web", "nginx") + "---\n" + StackDoc("db", "x")),
            0);
  ASSERT_EQ(h.Run({"delete", "stack", "web", "--wait", "--timeout=5s"}), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev \"web\" deleted\n");
  EXPECT_EQ(h.Run({"delete", "stack", "web"}), 1);
  EXPECT_EQ(h.Run({"delete", "stack", "web", "--ignore-not-found"}), 0);
  EXPECT_EQ(h.Run({"delete", "stacks"}), 1);  // needs names, -l or --all
  ASSERT_EQ(h.Run({"delete", "-f", "-"}, StackDoc("db", "x")), 0) << h.err.str();
  EXPECT_TRUE(h.server->objects.empty());
}

TEST(AppTest, EventsLogsVersionTokens) {
  CliHarness h;
  h.server->Put(Json::parse(R"({"apiVersion":"berth.dev/v1alpha1","kind":"Event",
      "metadata":{"name":"e1","namespace":"default"},"type":"Warning","reason":"JobFailed",
      "note":"pg_init exited 1","regarding":{"kind":"Stack","name":"web","namespace":"default"},
      "eventTime":"2027-01-15T07:58:00Z"})"));
  ASSERT_EQ(h.Run({"events"}), 0) << h.err.str();
  EXPECT_EQ(h.out.str(),
            "LAST SEEN   TYPE      REASON      OBJECT      MESSAGE\n"
            "2m          Warning   JobFailed   stack/web   pg_init exited 1\n");
  ASSERT_EQ(h.Run({"events", "--for", "stack/other"}), 0);
  EXPECT_EQ(h.out.str(), "");

  h.server->log_lines = {"line 1", "line 2"};
  ASSERT_EQ(h.Run({"logs", "stack/web", "api", "-f", "--tail", "5"}), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "line 1\nline 2\n");
  EXPECT_EQ(h.server->requests.back(),
            "STREAM /apis/berth.dev/v1alpha1/namespaces/default/stacks/web/log");
  EXPECT_EQ(h.Run({"logs", "stack/web"}), 1);
  h.server->log_lines = {"a", "", "b", "", "berth: NotFound: service \"api\" has no container"};
  EXPECT_EQ(h.Run({"logs", "stack/web", "api"}), 1);
  EXPECT_EQ(h.out.str(), "a\n\nb\n");
  EXPECT_EQ(h.err.str(), "error: NotFound: service \"api\" has no container\n");

  h.server->raw["/version"] = R"({"gitVersion":"v0.1.0"})";
  ASSERT_EQ(h.Run({"version"}), 0);
  EXPECT_EQ(h.out.str(), "Client Version: v0.1.0\nServer Version: v0.1.0\n");
  h.server->raw.clear();
  EXPECT_EQ(h.Run({"version"}), 1);
  EXPECT_EQ(h.out.str(), "Client Version: v0.1.0\n");
  EXPECT_EQ(h.Run({"version", "--client"}), 0);

  h.server->raw["/auth/v1/tokens"] =
      R"({"kind":"Token","name":"ci","role":"editor","token":"tkn"})";
  ASSERT_EQ(h.Run({"token", "create", "ci", "--role", "editor"}), 0) << h.err.str();
  EXPECT_EQ(h.out.str(), "tkn\n");
  EXPECT_EQ(h.Run({"token", "create", "ci", "--role", "root"}), 1);
  h.server->raw["/auth/v1/tokens"] =
      R"({"kind":"TokenList","items":[{"name":"ci","role":"editor","created":"2027-01-15T07:00:00Z"}]})";
  ASSERT_EQ(h.Run({"token", "list"}), 0);
  EXPECT_EQ(h.out.str(), "NAME   ROLE     AGE\nci     editor   60m\n");

  h.server->raw["/apis/berth.dev/v1alpha1"] = R"({"groupVersion":"berth.dev/v1alpha1",
      "resources":[{"name":"stacks","singularName":"stack","namespaced":true,"kind":"Stack",
      "shortNames":["st"],"verbs":["get","list"]},{"name":"stacks/status","kind":"Stack"}]})";
  ASSERT_EQ(h.Run({"api-resources"}), 0);
  EXPECT_EQ(h.out.str(),
            "NAME     SHORTNAMES   APIVERSION           NAMESPACED   KIND\n"
            "stacks   st           berth.dev/v1alpha1   true         Stack\n");
}

TEST(AppTest, UsageErrors) {
  CliHarness h;
  EXPECT_EQ(h.Run({}), 1);
  EXPECT_EQ(h.Run({"frobnicate"}), 1);
  EXPECT_NE(h.err.str().find("error: "), std::string::npos);
  EXPECT_EQ(h.Run({"--help"}), 0);
  EXPECT_NE(h.out.str().find("apply"), std::string::npos);
  EXPECT_EQ(h.Run({"instance", "list"}), 1);
  EXPECT_EQ(h.Run({"apply"}), 1);
}

}  // namespace
}  // namespace berth::cli
