// A Secret's value reaches the containers that use it (as a file) and an
// admin who asks ?reveal=true — and nothing else: not berth serve's log (at
// debug level), Events, error messages, `berth describe`, `berth get -o
// yaml/json`, API reads (get, list, watch, Table, the object a write
// returns), `berth diff`, /metrics, Stack/Instance/Provider status (a failing
// job that prints it), `docker inspect` of the containers that get it, or the
// store's files on disk. Three values, each with its own path in: a Stack's
// secretRef, a Provider's apiKeySecretRef, and the provisioning API's apiKey.
#include <filesystem>

#include "operator/common/strings.h"
#include "test/apiserver/http_client.h"
#include "test/security/security_support.h"

namespace berth::security {
namespace {

using e2e::Http;
namespace fs = std::filesystem;

class SecretLeakSecurity : public SecurityE2e {
 protected:
  // Fails for every value (plain or base64) that appears in `text`.
  void ExpectNoSecret(const std::string& where, const std::string& text) {
    for (const std::string& s : secrets_) {
      for (const std::string& form : {s, Base64Encode(s)}) {
        size_t at = text.find(form);
        EXPECT_EQ(at, std::string::npos)
            << "a secret value appears in " << where << ":\n"
            << text.substr(at == std::string::npos ? 0 : (at > 300 ? at - 300 : 0), 700);
      }
    }
  }
  void ExpectNoSecret(const std::string& where, const RunResult& r) {
    ExpectNoSecret(where + " (stdout)", r.out);
    ExpectNoSecret(where + " (stderr)", r.err);
  }

  std::string Manifest() const {
    std::string labels =
        "{berth.dev/test: \"1\", " + std::string(kSuiteLabel) + ": " + kSuite + "}";
    return "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata: {name: leak, namespace: " +
           ns_ + "}\nstringData: {password: " + password_ + ", apikey: " + apikey_ +
           "}\n---\n"
           "apiVersion: berth.dev/v1alpha1\nkind: Provider\nmetadata: {name: llm, namespace: " +
           ns_ +
           "}\nspec:\n  type: openai-compatible\n  baseURL: http://llm:1/v1\n  models: [m]\n"
           "  apiKeySecretRef: {name: leak, key: apikey}\n---\n"
           "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata: {name: leak, namespace: " +
           ns_ +
           "}\nspec:\n"
           "  networks:\n    net: {name: " +
           ns_ + "-leak, labels: " + labels +
           "}\n"
           "  services:\n"
           "    app:\n"
           "      image: berth-test/busybox:1\n"
           "      containerName: " +
           ns_ +
           "-leak-app\n"
           "      command: [berth-echo, \"8080\"]\n"
           "      networks: [net]\n"
           "      labels: " +
           labels +
           "\n"
           "      env:\n"
           "        PASS: {secretRef: {name: leak, key: password}}\n"
           "        KEY: {providerRef: {name: llm}}\n"
           "    dump:\n"
           "      kind: job\n"
           "      image: berth-test/busybox:1\n"
           "      containerName: " +
           ns_ +
           "-leak-dump\n"
           "      command: [sh, -c, 'echo start; cat \"$PASS_FILE\"; echo; cat \"$KEY_FILE\"; "
           "echo; echo end; exit 3']\n"
           "      networks: [net]\n"
           "      labels: " +
           labels +
           "\n"
           "      env:\n"
           "        PASS: {secretRef: {name: leak, key: password}}\n"
           "        KEY: {providerRef: {name: llm}}\n";
  }

  json StackStatus() {
    json j = json::parse(
        Admin("GET", std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/leak").body,
        nullptr, false);
    return j.is_object() ? j.value("status", json::object()) : json::object();
  }

  std::string password_ = RandomSecret();
  std::string apikey_ = RandomSecret();
  std::string portal_key_ = RandomSecret();
  std::vector<std::string> secrets_ = {password_, apikey_, portal_key_};
};

TEST_F(SecretLeakSecurity, SecretValuesAppearNowhereButWhereTheyAreMeantToBe) {
  ASSERT_NO_FATAL_FAILURE(StartServer(true));
  ASSERT_NO_FATAL_FAILURE(ApplyRouterStack(true));
  RunResult r = server_->Apply(Manifest());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ExpectNoSecret("berth apply", r);

  // The provisioning API with an API key of its own.
  HttpResult res = Http(server_->port(), "POST", "/provision/v1/instances", provisioner_,
                        R"({"user":"alice@example.com","slug":"alice"})");
  ASSERT_EQ(res.status, 201) << res.body;
  res = Http(server_->port(), "POST", "/provision/v1/instances/alice@example.com/provider",
             provisioner_,
             json{{"type", "openai-compatible"},
                  {"baseURL", "http://llm:1/v1"},
                  {"models", {"m"}},
                  {"apiKey", portal_key_}}
                 .dump());
  ASSERT_EQ(res.status / 100, 2) << res.body;
  ExpectNoSecret("the provider answer", res.body);

  // The app runs with its files; the job printed the values and failed.
  std::string app = ns_ + "-leak-app", job = ns_ + "-leak-dump", inst = "berth_" + ns_ + "_alice";
  bool settled = e2e::Eventually(
      [&] {
        json st = StackStatus();
        json svcs = st.value("services", json::object());
        return svcs.value("app", json::object()).value("phase", "") == "Running" &&
               svcs.value("dump", json::object()).value("phase", "") == "Failed" &&
               !svcs["dump"].value("lastError", "").empty();
      },
      std::chrono::seconds(180), std::chrono::milliseconds(250));
  ASSERT_TRUE(settled) << StackStatus().dump(2);
  std::string last_error = StackStatus()["services"]["dump"].value("lastError", "");
  EXPECT_NE(last_error.find("<redacted>"), std::string::npos) << last_error;
  EXPECT_NE(last_error.find("start"), std::string::npos) << last_error;
  bool configured = e2e::Eventually(
      [&] {
        auto [code, out] = docker_.Exec(inst, {"cat", "/app/config/config.json"});
        return code == 0 && out.find(portal_key_) != std::string::npos;
      },
      std::chrono::seconds(180), std::chrono::milliseconds(250));
  EXPECT_TRUE(configured) << "alice's config.json never got the API key";
  // Where the values are meant to be: the files in the containers.
  auto [code, out] = docker_.Exec(app, {"sh", "-c", "cat \"$PASS_FILE\"; echo; cat \"$KEY_FILE\""});
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find(password_), std::string::npos) << out;
  EXPECT_NE(out.find(apikey_), std::string::npos) << out;
  // ... and an admin's ?reveal=true.
  std::string secret_path = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/secrets/leak";
  EXPECT_NE(Admin("GET", secret_path + "?reveal=true").body.find(Base64Encode(password_)),
            std::string::npos);

  // Error messages of writes that carry a value.
  std::string secrets_path = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/secrets";
  auto secret_body = [&](const json& extra) {
    json j = {{"apiVersion", "berth.dev/v1alpha1"},
              {"kind", "Secret"},
              {"metadata", {{"name", "leak2"}, {"namespace", ns_}}}};
    j.update(extra);
    return j.dump();
  };
  std::vector<std::pair<std::string, HttpResult>> errors = {
      {"bad base64",
       Admin("POST", secrets_path, secret_body({{"data", {{"k", password_ + "!"}}}}))},
      {"bad key", Admin("POST", secrets_path, secret_body({{"stringData", {{"a b", password_}}}}))},
      {"value of a wrong type",
       Admin("POST", secrets_path, secret_body({{"data", {{"k", {{"v", password_}}}}}}))},
      {"type too long", Admin("POST", secrets_path,
                              secret_body({{"type", std::string(300, 'x') + password_},
                                           {"stringData", {{"k", password_}}}}))},
      {"existing name", Admin("POST", secrets_path,
                              json{{"apiVersion", "berth.dev/v1alpha1"},
                                   {"kind", "Secret"},
                                   {"metadata", {{"name", "leak"}, {"namespace", ns_}}},
                                   {"stringData", {{"password", password_}}}}
                                  .dump())},
      {"stale resourceVersion",
       Admin("PUT", secret_path,
             json{{"apiVersion", "berth.dev/v1alpha1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", "leak"}, {"namespace", ns_}, {"resourceVersion", "1"}}},
                  {"stringData", {{"password", password_}}}}
                 .dump())},
      {"json-patch test",
       Http(server_->port(), "PATCH", secret_path, server_->token(),
            json::array(
                {{{"op", "test"}, {"path", "/data/password"}, {"value", password_}},
                 {{"op", "test"}, {"path", "/data/password"}, {"value", Base64Encode(apikey_)}}})
                .dump(),
            "application/json-patch+json")},
      {"merge patch with a bad key",
       Http(server_->port(), "PATCH", secret_path, server_->token(),
            json{{"stringData", {{"a/b", password_}}}}.dump(), "application/merge-patch+json")},
      {"provider with a bad baseURL",
       Http(server_->port(), "POST", "/provision/v1/instances/alice@example.com/provider",
            provisioner_,
            json{{"type", "openai-compatible"},
                 {"baseURL", "not a url " + portal_key_},
                 {"models", {"m"}},
                 {"apiKey", portal_key_}}
                .dump())},
      {"provider of an unknown type",
       Http(
           server_->port(), "POST", "/provision/v1/instances/alice@example.com/provider",
           provisioner_,
           json{{"type", "nope"}, {"baseURL", "http://x:1"}, {"models", {"m"}}, {"apiKey", apikey_}}
               .dump())},
  };
  for (const auto& [what, e] : errors) {
    EXPECT_GE(e.status, 400) << what << ": " << e.body;
    ExpectNoSecret("the error of " + what, e.body);
  }
  // The object a successful write returns, and its dry run.
  res = Admin("POST", secrets_path, secret_body({{"stringData", {{"k", password_}}}}));
  EXPECT_EQ(res.status, 201) << res.body;
  ExpectNoSecret("the created Secret", res.body);
  res = Admin("POST", secrets_path + "?dryRun=All",
              json{{"apiVersion", "berth.dev/v1alpha1"},
                   {"kind", "Secret"},
                   {"metadata", {{"name", "leak3"}, {"namespace", ns_}}},
                   {"stringData", {{"k", apikey_}}}}
                  .dump());
  EXPECT_EQ(res.status, 201) << res.body;
  ExpectNoSecret("a dry-run create", res.body);
  res = Http(server_->port(), "PATCH", secret_path, server_->token(),
             R"({"metadata":{"labels":{"touched":"yes"}}})", "application/merge-patch+json");
  EXPECT_EQ(res.status, 200) << res.body;
  ExpectNoSecret("a patched Secret", res.body);

  // The CLI's views.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"describe", "secret", "leak", "-n", ns_},
           {"describe", "secret/leak", "-n", ns_},
           {"describe", "secrets", "-n", ns_},
           {"get", "secret", "leak", "-n", ns_, "-o", "yaml"},
           {"get", "secret", "leak", "-n", ns_, "-o", "json"},
           {"get", "secrets", "-n", ns_, "-o", "yaml"},
           {"get", "secrets", "-A", "-o", "json"},
           {"get", "secrets", "-n", ns_, "-o", "wide"},
           {"describe", "stack", "leak", "-n", ns_},
           {"get", "stack", "leak", "-n", ns_, "-o", "yaml"},
           {"describe", "provider", "llm", "-n", ns_},
           {"get", "providers", "-n", ns_, "-o", "yaml"},
           {"get", "instances", "-n", ns_, "-o", "yaml"},
           {"describe", "instances", "-n", ns_},
           {"get", "events", "-n", ns_, "-o", "yaml"},
           {"events", "-n", ns_},
           {"instance", "list"},
       }) {
    std::string cmd = "berth";
    for (const auto& a : args) cmd += " " + a;
    RunResult cli = server_->Berth(args);
    EXPECT_EQ(cli.code, 0) << cmd << ": " << cli.err;
    ExpectNoSecret(cmd, cli);
  }
  // berth diff of a Secret whose value would change, and a label: exit 1,
  // the difference shown (the label; values read <redacted> on both sides),
  // no value in it.
  r = server_->Berth({"diff", "-f", "-"},
                     "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata: {name: leak, "
                     "namespace: " +
                         ns_ + ", labels: {rotated: \"yes\"}}\nstringData: {password: " +
                         password_ + "x, apikey: " + apikey_ + "}\n");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("rotated"), std::string::npos) << r.out;
  ExpectNoSecret("berth diff", r);

  // The API's reads.
  testing::HttpOptions admin;
  admin.token = server_->token();
  testing::HttpClient client("http://127.0.0.1:" + std::to_string(server_->port()), admin);
  for (const std::string& path :
       {secret_path, secrets_path, std::string(kGroupVersion) + "/secrets",
        secrets_path + "?watch=true&timeoutSeconds=1",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/events",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/leak",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/providers",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/instances",
        std::string("/provision/v1/instances"),
        std::string("/provision/v1/instances/alice@example.com")}) {
    // Each read must succeed: an error page holds no secret and proves nothing.
    testing::HttpResult got = client.Get(path);
    EXPECT_EQ(got.code, 200) << path << ": " << got.body;
    ExpectNoSecret("GET " + path, got.body);
    got = client.Get(path, {"Accept: application/json;as=Table;v=v1;g=meta.k8s.io"});
    EXPECT_EQ(got.code, 200) << path << " as Table: " << got.body;
    ExpectNoSecret("GET " + path + " as Table", got.body);
  }
  for (const auto& [what, read] : std::vector<std::pair<std::string, HttpResult>>{
           {"GET as a viewer", Http(server_->port(), "GET", secrets_path, viewer_)},
           {"/metrics", Http(server_->port(), "GET", "/metrics")},
           {"/readyz", Http(server_->port(), "GET", "/readyz")}}) {
    EXPECT_EQ(read.status, 200) << what << ": " << read.body;
    ExpectNoSecret(what, read.body);
  }

  // docker inspect of every container that gets a value as a file: a Stack
  // service's under /run/secrets/, an Instance's in its rendered config.json
  // (the template's configPath, /app/config/config.json).
  for (const auto& [c, mount] : std::vector<std::pair<std::string, std::string>>{
           {app, "/run/secrets/"}, {job, "/run/secrets/"}, {inst, "\"/app/config\""}}) {
    e2e::Process p({"/usr/bin/docker", "inspect", c}, {{"PATH", "/usr/bin:/bin"}}, dir_.path());
    int rc = p.Wait();
    EXPECT_EQ(rc, 0) << p.err();
    EXPECT_NE(p.out().find(mount), std::string::npos) << c << ": " << p.out();
    ExpectNoSecret("docker inspect " + c, p.out());
  }

  // The store's files: values are encrypted at rest.
  int store_files = 0;
  for (const std::string& rel : DataFiles()) {
    fs::path p = fs::path(server_->data_dir()) / rel;
    if (rel.rfind("berth.db", 0) != 0 || !fs::is_regular_file(p)) continue;
    ++store_files;
    ExpectNoSecret("the store file " + rel, e2e::ReadFile(p.string()));
  }
  EXPECT_GE(store_files, 1) << "no berth.db* under " << server_->data_dir();

  // Last, the whole log of the server (debug level) and its Events.
  HttpResult events = Admin("GET", std::string(kGroupVersion) + "/events");
  EXPECT_EQ(events.status, 200) << events.body;
  EXPECT_NE(events.body.find("\"items\""), std::string::npos) << events.body;
  ExpectNoSecret("the Events", events.body);
  ExpectNoSecret("berth serve's log", server_->log());
}

}  // namespace
}  // namespace berth::security
