// Every write path of the API against callers who may not write: no token,
// a token nobody issued, a malformed Authorization header (401), a viewer
// (403); token management for anyone but an admin (403); and a provisioner,
// who reaches the provisioning API and nothing else, however the path is
// spelled. Nothing any refused call asked for exists afterwards.
#include "test/apiserver/http_client.h"
#include "test/security/security_support.h"

namespace berth::security {
namespace {

using e2e::Http;

std::string Show(const HttpResult& r) {
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 400);
}

class AuthSecurity : public SecurityE2e {};

TEST_F(AuthSecurity, EveryWritePathRefusesCallersWithoutAValidToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer(false));
  std::set<std::string> objects = Objects(ns_), tokens = Tokens();
  std::vector<Call> calls = WriteCalls("intruder");
  ASSERT_GT(calls.size(), 40u);

  std::string unknown = "berth_" + std::string(64, '0');
  for (const Call& c : calls) {
    SCOPED_TRACE(c.Describe());
    EXPECT_EQ(Send("", c).status, 401) << Show(Send("", c));
    EXPECT_EQ(Send(unknown, c).status, 401);
    EXPECT_EQ(Send(server_->token() + "x", c).status, 401);
    EXPECT_EQ(Send(server_->token().substr(0, 20), c).status, 401);
  }
  // Other ways to present (or fake) a credential.
  testing::HttpClient client("http://127.0.0.1:" + std::to_string(server_->port()));
  const std::string stacks = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks";
  const std::string body = R"({"apiVersion":"berth.dev/v1alpha1","kind":"Stack",)"
                           R"("metadata":{"name":"intruder"},"spec":{"services":{}}})";
  for (const std::string& header : std::vector<std::string>{
           "Authorization: Basic " + server_->token(), "Authorization: Bearer",
           "Authorization: Bearer  ", "Authorization: " + server_->token(),
           "Authorization: Token " + server_->token(), "X-Auth-Token: " + server_->token(),
           "Cookie: token=" + server_->token(),
           "Authorization: Bearer " + viewer_ + "," + editor_}) {
    SCOPED_TRACE(header);
    auto r = client.Do("POST", stacks, body, "application/json", {header});
    EXPECT_EQ(r.code, 401) << r.body;
  }
  auto r = client.Do("POST", stacks + "?access_token=" + server_->token(), body);
  EXPECT_EQ(r.code, 401) << r.body;

  EXPECT_EQ(Objects(ns_), objects);
  EXPECT_EQ(Tokens(), tokens);
}

TEST_F(AuthSecurity, ViewersMayReadButNotWrite) {
  ASSERT_NO_FATAL_FAILURE(StartServer(false));
  ASSERT_NO_FATAL_FAILURE(ApplyRouterStack(false));
  // Something to update, patch and delete: one object of each writable kind.
  RunResult r = server_->Apply(
      "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata: {name: intruder, namespace: " + ns_ +
      "}\nstringData: {k: v}\n");
  ASSERT_EQ(r.code, 0) << r.err;
  std::set<std::string> objects = Objects(ns_), tokens = Tokens();
  std::string stack_before =
      Admin("GET", std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/router").body;

  for (const Call& c : WriteCalls("intruder")) {
    HttpResult res = Send(viewer_, c);
    EXPECT_EQ(res.status, 403) << c.Describe() << ": " << Show(res);
  }
  // Tokens and the preview are beyond editors too.
  for (const Call& c : WriteCalls("intruder")) {
    bool admin_only = c.path.rfind("/auth/", 0) == 0;
    if (!admin_only) continue;
    EXPECT_EQ(Send(editor_, c).status, 403) << c.Describe();
  }
  EXPECT_EQ(Http(server_->port(), "GET", "/auth/v1/tokens", viewer_).status, 403);
  EXPECT_EQ(Http(server_->port(), "GET", "/auth/v1/tokens", editor_).status, 403);
  // Reading works (the 403s above are about writing), revealing does not.
  std::string sec = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/secrets/intruder";
  EXPECT_EQ(Http(server_->port(), "GET", sec, viewer_).status, 200);
  EXPECT_EQ(Http(server_->port(), "GET", sec + "?reveal=true", viewer_).status, 403);
  EXPECT_EQ(Http(server_->port(), "GET", sec + "?reveal=1", editor_).status, 403);
  EXPECT_EQ(Http(server_->port(), "GET", "/provision/v1/instances", viewer_).status, 200);

  EXPECT_EQ(Objects(ns_), objects);
  EXPECT_EQ(Tokens(), tokens);
  EXPECT_EQ(Admin("GET", std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/router").body,
            stack_before);
}

// The same write calls as an editor are served (not 401/403/405): the list
// above holds real write paths, not paths that refuse everyone.
TEST_F(AuthSecurity, TheWritePathsAreRealForEditors) {
  ASSERT_NO_FATAL_FAILURE(StartServer(false));
  ASSERT_NO_FATAL_FAILURE(ApplyRouterStack(false));
  for (const Call& c : WriteCalls("intruder")) {
    if (c.path.rfind("/auth/", 0) == 0) continue;  // admins only
    HttpResult res = Send(editor_, c);
    EXPECT_TRUE(res.status != 0 && res.status != 401 && res.status != 403 && res.status != 405)
        << c.Describe() << ": " << Show(res);
  }
  HttpResult res =
      Send(server_->token(), {"POST", "/auth/v1/tokens", R"({"name":"t2","role":"viewer"})"});
  EXPECT_EQ(res.status, 201) << Show(res);
}

TEST_F(AuthSecurity, ProvisionersReachOnlyTheProvisioningApi) {
  ASSERT_NO_FATAL_FAILURE(StartServer(false));
  ASSERT_NO_FATAL_FAILURE(ApplyRouterStack(false));
  RunResult r = server_->Apply(
      "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata: {name: intruder, namespace: " + ns_ +
      "}\nstringData: {k: v}\n");
  ASSERT_EQ(r.code, 0) << r.err;
  std::set<std::string> objects = Objects(ns_), tokens = Tokens();

  // Every write of every kind, token management, the preview.
  for (const Call& c : WriteCalls("intruder")) {
    if (c.path.rfind("/provision/", 0) == 0) continue;
    HttpResult res = Send(provisioner_, c);
    EXPECT_EQ(res.status, 403) << c.Describe() << ": " << Show(res);
  }
  // Every read too: Stacks, Secrets, Providers are not theirs to see.
  const std::string ns_path = std::string(kGroupVersion) + "/namespaces/" + ns_;
  for (const std::string& path :
       {ns_path + "/stacks", ns_path + "/stacks/router", ns_path + "/secrets",
        ns_path + "/secrets/intruder", ns_path + "/secrets/intruder?reveal=true",
        ns_path + "/providers", ns_path + "/instances", ns_path + "/events",
        ns_path + "/stacks?watch=true", std::string(kGroupVersion) + "/secrets",
        std::string(kGroupVersion) + "/watch/namespaces/" + ns_ + "/secrets",
        ns_path + "/stacks/router/log?service=router-proxy", std::string(kGroupVersion),
        std::string("/apis"), std::string("/api"), std::string("/openapi/v2"),
        std::string("/auth/v1/tokens")}) {
    HttpResult res = Http(server_->port(), "GET", path, provisioner_);
    EXPECT_EQ(res.status, 403) << "GET " << path << ": " << Show(res);
  }
  // Paths that start like the provisioning API but walk out of it are not
  // routed anywhere else.
  for (const std::string& path : std::vector<std::string>{
           "/provision/v1/../../apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/secrets",
           "/provision/v1/%2e%2e/%2e%2e/apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/secrets",
           "/provision/v1/..%2f..%2fapis%2fberth.dev%2fv1alpha1%2fnamespaces%2f" + ns_ +
               "%2fsecrets",
           "/provision/v1/instances/..%2f..%2f..%2fapis%2fberth.dev%2fv1alpha1%2fsecrets",
           "/provision/v1/instances/../../../apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/stacks",
           "/provision/v1/instances/%2e%2e", "/provision/v1/instances/.."}) {
    for (const char* method : {"GET", "POST", "DELETE"}) {
      HttpResult res = Http(server_->port(), method, path, provisioner_,
                            std::string(method) == "POST" ? R"({"user":"mallory"})" : "");
      EXPECT_TRUE(res.status == 400 || res.status == 403 || res.status == 404 ||
                  res.status == 405 || res.status == 422)
          << method << " " << path << ": " << Show(res);
      EXPECT_EQ(res.body.find("\"intruder\""), std::string::npos) << path << ": " << res.body;
      EXPECT_EQ(res.body.find("SecretList"), std::string::npos) << path << ": " << res.body;
    }
  }
  EXPECT_EQ(Objects(ns_), objects);
  EXPECT_EQ(Tokens(), tokens);

  // What it may do: provision, resolve, list, configure, deprovision.
  HttpResult res = Http(server_->port(), "POST", "/provision/v1/instances", provisioner_,
                        R"({"user":"alice@example.com","slug":"alice"})");
  EXPECT_EQ(res.status, 201) << Show(res);
  res = Http(server_->port(), "GET", "/provision/v1/instances/alice@example.com", provisioner_);
  EXPECT_EQ(res.status, 200) << Show(res);
  res = Http(server_->port(), "GET", "/provision/v1/instances", provisioner_);
  EXPECT_EQ(res.status, 200) << Show(res);
  EXPECT_NE(res.body.find("alice"), std::string::npos) << res.body;
  res = Http(
      server_->port(), "POST", "/provision/v1/instances/alice@example.com/provider", provisioner_,
      R"({"type":"openai-compatible","baseURL":"http://llm:1/v1","models":["m"],"apiKey":"k"})");
  EXPECT_EQ(res.status / 100, 2) << Show(res);
  res = Http(server_->port(), "DELETE", "/provision/v1/instances/alice@example.com?purge=true",
             provisioner_);
  EXPECT_EQ(res.status, 200) << Show(res);
}

}  // namespace
}  // namespace berth::security
