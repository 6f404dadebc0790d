// Authentication, roles, token management, Secret redaction and extra routes.
#include <gtest/gtest.h>

#include "test/apiserver/fixture.h"

namespace berth::testing {
namespace {

constexpr const char* kSecrets = "/apis/berth.dev/v1alpha1/namespaces/default/secrets";

class AuthTest : public ApiServerTest {
 protected:
  void Configure(apiserver::Server& server) override {
    server.AddRoutes("/provision/v1/", {apiserver::Role::kProvisioner, apiserver::Role::kAdmin},
                     [](const apiserver::Request& req) {
                       apiserver::Response r;
                       r.body = Json{{"user", req.user.name}, {"path", req.path}}.dump();
                       return r;
                     });
  }
};

TEST_F(AuthTest, MissingOrWrongTokenIs401) {
  for (const char* path :
       {kStacks, "/apis", "/api", "/apis/berth.dev/v1alpha1", "/auth/v1/tokens", "/openapi/v2"}) {
    auto r = Anonymous().Get(path);
    EXPECT_EQ(r.code, 401) << path;
    EXPECT_EQ(r.json()["kind"], "Status");
    EXPECT_EQ(r.json()["reason"], "Unauthorized");
  }
  EXPECT_EQ(As("berth_0000").Get(kStacks).code, 401);
  EXPECT_EQ(As("not-a-berth-token").Get(kStacks).code, 401);
}

TEST_F(AuthTest, HealthMetricsAndVersionNeedNoToken) {
  EXPECT_EQ(Anonymous().Get("/healthz").code, 200);
  EXPECT_EQ(Anonymous().Get("/livez").code, 200);
  auto ready = Anonymous().Get("/readyz");
  EXPECT_EQ(ready.code, 200) << ready.body;
  EXPECT_EQ(Anonymous().Get("/metrics").code, 200);
  EXPECT_EQ(Anonymous().Get("/version").code, 200);
}

TEST_F(AuthTest, ViewerReadsButCannotWrite) {
  ASSERT_EQ(Admin().Post(kStacks, StackJson("web")).code, 201);
  auto viewer = As(viewer_);
  EXPECT_EQ(viewer.Get(kStacks).code, 200);
  EXPECT_EQ(viewer.Get(std::string(kStacks) + "/web").code, 200);
  EXPECT_EQ(viewer.Get("/apis").code, 200);
  auto post = viewer.Post(kStacks, StackJson("x"));
  EXPECT_EQ(post.code, 403);
  EXPECT_EQ(post.json()["reason"], "Forbidden");
  EXPECT_EQ(viewer.Put(std::string(kStacks) + "/web", StackJson("web")).code, 403);
  EXPECT_EQ(viewer.Patch(std::string(kStacks) + "/web", "{}").code, 403);
  EXPECT_EQ(viewer.Delete(std::string(kStacks) + "/web").code, 403);
  EXPECT_EQ(viewer.Delete(kStacks).code, 403);
  EXPECT_EQ(viewer.Get("/auth/v1/tokens").code, 403);
}

TEST_F(AuthTest, EditorWritesButCannotManageTokens) {
  auto editor = As(editor_);
  EXPECT_EQ(editor.Post(kStacks, StackJson("web")).code, 201);
  EXPECT_EQ(editor.Delete(std::string(kStacks) + "/web").code, 200);
  EXPECT_EQ(editor.Get("/auth/v1/tokens").code, 403);
  EXPECT_EQ(editor.Post("/auth/v1/tokens", Json{{"name", "x"}, {"role", "admin"}}).code, 403);
}

TEST_F(AuthTest, ProvisionerOnlyReachesItsRoutes) {
  auto prov = As(provisioner_);
  EXPECT_EQ(prov.Get(kStacks).code, 403);
  EXPECT_EQ(prov.Get("/apis").code, 403);
  EXPECT_EQ(prov.Post(kStacks, StackJson("x")).code, 403);
  auto ok = prov.Get("/provision/v1/instances");
  EXPECT_EQ(ok.code, 200) << ok.body;
  EXPECT_EQ(ok.json()["user"], "provisioner");
  EXPECT_EQ(As(viewer_).Get("/provision/v1/instances").code, 403);
  EXPECT_EQ(As(editor_).Get("/provision/v1/instances").code, 403);
  EXPECT_EQ(Admin().Get("/provision/v1/instances").code, 200);
  EXPECT_EQ(Anonymous().Get("/provision/v1/instances").code, 401);
}

TEST_F(AuthTest, TokenManagement) {
  auto created = Admin().Post("/auth/v1/tokens", Json{{"name", "ci"}, {"role", "editor"}});
  ASSERT_EQ(created.code, 201) << created.body;
  std::string token = created.json()["token"];
  EXPECT_EQ(token.rfind("berth_", 0), 0u);
  EXPECT_EQ(token.size(), 6u + 64u);
  EXPECT_EQ(As(token).Post(kStacks, StackJson("by-ci")).code, 201);

  auto list = Admin().Get("/auth/v1/tokens");
  ASSERT_EQ(list.code, 200);
  EXPECT_EQ(list.body.find(token), std::string::npos);  // never shown again
  bool found = false;
  Json items = list.json()["items"];
  for (const Json& t : items) {
    if (t["name"] == "ci") {
      found = true;
      EXPECT_EQ(t["role"], "editor");
      EXPECT_FALSE(t.contains("sha256"));
    }
  }
  EXPECT_TRUE(found);

  EXPECT_EQ(Admin().Post("/auth/v1/tokens", Json{{"name", "ci"}, {"role", "viewer"}}).code, 409);
  EXPECT_EQ(Admin().Post("/auth/v1/tokens", Json{{"name", "x"}, {"role", "root"}}).code, 422);
  EXPECT_EQ(Admin().Post("/auth/v1/tokens", Json{{"name", "Bad_Name"}, {"role", "viewer"}}).code,
            422);
  EXPECT_EQ(Admin().Delete("/auth/v1/tokens/admin").code, 400);  // not itself
  EXPECT_EQ(Admin().Delete("/auth/v1/tokens/ci").code, 200);
  EXPECT_EQ(As(token).Get(kStacks).code, 401);
  EXPECT_EQ(Admin().Delete("/auth/v1/tokens/ci").code, 404);
}

TEST_F(AuthTest, TokensAreStoredHashed) {
  auto list = store_->List(apiserver::kTokenPrefix, "", 0);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->records.size(), 4u);
  for (const auto& rec : list->records) {
    for (const std::string& t : {admin_, editor_, viewer_, provisioner_}) {
      EXPECT_EQ(rec.value.find(t), std::string::npos);
      EXPECT_EQ(rec.value.find(t.substr(6)), std::string::npos);
    }
  }
}

class RedactionTest : public ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    Json secret = {{"apiVersion", "berth.dev/v1alpha1"},
                   {"kind", "Secret"},
                   {"metadata",
                    {{"name", "db"},
                     {"annotations",
                      {{"kubectl.kubernetes.io/last-applied-configuration",
                        R"({"data":{"password":"c2VjcmV0"}})"},
                       {"keep", "me"}}}}},
                   {"data", {{"password", "c2VjcmV0"}, {"user", "YWRtaW4="}}}};
    auto r = Admin().Post(kSecrets, secret);
    ASSERT_EQ(r.code, 201) << r.body;
  }
  static void ExpectRedacted(const Json& s) {
    EXPECT_EQ(s["data"]["password"], "<redacted>") << s.dump();
    EXPECT_EQ(s["data"]["user"], "<redacted>");
    EXPECT_FALSE(s.contains("stringData"));
    EXPECT_FALSE(
        s["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));
    EXPECT_EQ(s["metadata"]["annotations"]["keep"], "me");
  }
};

TEST_F(RedactionTest, ReadsAreRedactedUnlessAnAdminReveals) {
  for (const std::string& t : {viewer_, editor_, admin_}) {
    auto r = As(t).Get(std::string(kSecrets) + "/db");
    ASSERT_EQ(r.code, 200);
    ExpectRedacted(r.json());
    EXPECT_EQ(r.body.find("c2VjcmV0"), std::string::npos);
    auto l = As(t).Get(kSecrets);
    ExpectRedacted(l.json()["items"][0]);
    EXPECT_EQ(l.body.find("c2VjcmV0"), std::string::npos);
  }
  auto table = As(viewer_).Get(std::string(kSecrets) + "?includeObject=Object",
                               {"Accept: application/json;as=Table;v=v1;g=meta.k8s.io"});
  ASSERT_EQ(table.code, 200);
  EXPECT_EQ(table.body.find("c2VjcmV0"), std::string::npos) << table.body;
  auto meta_table =
      As(viewer_).Get(kSecrets, {"Accept: application/json;as=Table;v=v1;g=meta.k8s.io"});
  EXPECT_EQ(meta_table.body.find("c2VjcmV0"), std::string::npos) << meta_table.body;

  auto revealed = Admin().Get(std::string(kSecrets) + "/db?reveal=true");
  ASSERT_EQ(revealed.code, 200);
  EXPECT_EQ(revealed.json()["data"]["password"], "c2VjcmV0");
  EXPECT_EQ(As(viewer_).Get(std::string(kSecrets) + "/db?reveal=true").code, 403);
  EXPECT_EQ(As(editor_).Get(std::string(kSecrets) + "/db?reveal=true").code, 403);
}

TEST_F(RedactionTest, WatchAndWriteResponsesAreRedacted) {
  auto w = Watch(std::string(kSecrets) + "?watch=true", viewer_);
  auto ev = w->Next(std::chrono::seconds(20));
  ASSERT_TRUE(ev);
  ExpectRedacted((*ev)["object"]);
  auto patched =
      As(editor_).Patch(std::string(kSecrets) + "/db", R"({"metadata":{"labels":{"a":"b"}}})");
  ASSERT_EQ(patched.code, 200) << patched.body;
  ExpectRedacted(patched.json());
}

TEST_F(RedactionTest, WritingBackARedactedSecretKeepsItsValues) {
  Json got = As(editor_).Get(std::string(kSecrets) + "/db").json();
  got["data"]["extra"] = "bmV3";
  auto put = As(editor_).Put(std::string(kSecrets) + "/db", got);
  ASSERT_EQ(put.code, 200) << put.body;
  Json clear = Admin().Get(std::string(kSecrets) + "/db?reveal=1").json();
  EXPECT_EQ(clear["data"]["password"], "c2VjcmV0");
  EXPECT_EQ(clear["data"]["extra"], "bmV3");
  got = As(editor_).Get(std::string(kSecrets) + "/db").json();
  got["data"]["nothing-stored"] = "<redacted>";
  EXPECT_EQ(As(editor_).Put(std::string(kSecrets) + "/db", got).code, 422);
}

}  // namespace
}  // namespace berth::testing
