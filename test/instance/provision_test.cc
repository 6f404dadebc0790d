// InstanceAdmission and the provisioning API against a real Registry over
// SQLite (sqlite::memory:), with the built-in CRDs.
#include <gtest/gtest.h>

#include "controllers/instance/admission.h"
#include "controllers/instance/provision_api.h"
#include "controllers/instance/slug.h"
#include "operator/api/catalog.h"
#include "operator/api/codec.h"
#include "operator/common/strings.h"
#include "operator/registry/registry.h"
#include "operator/store/store.h"
#include "test/instance/fixtures.h"

namespace berth::instance {
namespace {

using api::Json;

class ProvisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin());
    registry_->AddAdmission(
        "Instance", std::make_shared<InstanceAdmission>(*registry_, AdmissionOptions{5, {}}));
    Json stack = {{"apiVersion", "berth.dev/v1alpha1"},
                  {"kind", "Stack"},
                  {"metadata", {{"name", "beaver"}, {"namespace", "beaver"}}},
                  {"spec", testing::BeaverSpec()}};
    auto created = registry_->Create(api::Object(stack));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    api_ = std::make_unique<ProvisionApi>(*registry_, ProvisionOptions{"beaver", ""});
  }

  Result<api::Object> CreateInstance(const std::string& name, Json spec) {
    return registry_->Create(
        api::Object(Json{{"apiVersion", "berth.dev/v1alpha1"},
                         {"kind", "Instance"},
                         {"metadata", {{"name", name}, {"namespace", "beaver"}}},
                         {"spec", spec}}));
  }
  static Json Spec(const std::string& user) {
    return {{"user", user}, {"template", {{"stack", "beaver"}, {"name", "app"}}}};
  }

  struct Reply {
    int code;
    Json body;
  };
  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             apiserver::Role role = apiserver::Role::kProvisioner) {
    apiserver::Request req;
    req.method = method;
    std::string p = path;
    size_t q = p.find('?');
    if (q != std::string::npos) {
      for (const std::string& kv : Split(p.substr(q + 1), '&', true)) {
        size_t eq = kv.find('=');
        req.query[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
      }
      p = p.substr(0, q);
    }
    req.path = p;
    req.segments = Split(p, '/', /*skip_empty=*/true);
    req.body = body;
    req.user = {"portal", role};
    apiserver::Response r = api_->Handle(req);
    auto j = api::ParseJson(r.body);
    return {r.code, j.ok() ? *j : Json()};
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<ProvisionApi> api_;
};

TEST_F(ProvisionTest, AdmissionDefaultsTheSlugAndLabelsTheUser) {
  auto inst = CreateInstance("a1", Spec("Alice.Smith@example.com"));
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  EXPECT_EQ(inst->spec()["slug"], "alice-smith-example-com");
  EXPECT_EQ(inst->labels().at(kUserHashLabel), UserHash("Alice.Smith@example.com"));
  EXPECT_EQ(inst->annotations().at(kUserAnnotation), "Alice.Smith@example.com");
}

TEST_F(ProvisionTest, AdmissionRefusesBadSlugsUnknownTemplatesAndDuplicates) {
  Json bad = Spec("bob");
  bad["slug"] = "bob.example";
  auto r = CreateInstance("b1", bad);
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(r.status().causes().at(0).field, "spec.slug");

  Json no_stack = Spec("bob");
  no_stack["template"]["stack"] = "nope";
  r = CreateInstance("b2", no_stack);
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(r.status().causes().at(0).field, "spec.template.stack");

  Json no_tmpl = Spec("bob");
  no_tmpl["template"]["name"] = "web";
  r = CreateInstance("b3", no_tmpl);
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(r.status().causes().at(0).field, "spec.template.name");
  EXPECT_NE(r.status().causes().at(0).message.find("it has: app"), std::string::npos);

  ASSERT_TRUE(CreateInstance("c1", Spec("carol")).ok());
  Json dup = Spec("carol2");
  dup["slug"] = "carol";
  r = CreateInstance("c2", dup);
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_NE(r.status().causes().at(0).message.find("already used"), std::string::npos);
}

TEST_F(ProvisionTest, SlugIsImmutable) {
  auto inst = CreateInstance("d1", Spec("dave"));
  ASSERT_TRUE(inst.ok());
  auto changed = registry_->Mutate("Instance", "beaver", "d1", [](api::Object& o) {
    o.json()["spec"]["slug"] = "david";
    return Status::Ok();
  });
  ASSERT_EQ(changed.status().code(), Code::kInvalid);
  // Dropping the slug keeps the old one.
  auto kept = registry_->Mutate("Instance", "beaver", "d1", [](api::Object& o) {
    o.json()["spec"].erase("slug");
    return Status::Ok();
  });
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->spec()["slug"], "dave");
}

TEST_F(ProvisionTest, QuotaIsForbiddenLikeKubernetes) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(CreateInstance("q" + std::to_string(i), Spec("user" + std::to_string(i))).ok());
  }
  auto r = CreateInstance("q5", Spec("user5"));
  ASSERT_EQ(r.status().code(), Code::kForbidden);
  EXPECT_NE(r.status().message().find("exceeded quota"), std::string::npos);
  Reply api = Call("POST", "/provision/v1/instances", R"({"user": "user6"})");
  EXPECT_EQ(api.code, 403);
  EXPECT_NE(api.body.value("message", "").find("exceeded quota"), std::string::npos);
}

TEST_F(ProvisionTest, CreateIsIdempotentPerUser) {
  Reply r = Call("POST", "/provision/v1/instances", R"({"user": "alice@example.com"})");
  ASSERT_EQ(r.code, 201) << r.body.dump();
  EXPECT_EQ(r.body["name"], InstanceNameForUser("alice@example.com"));
  EXPECT_EQ(r.body["namespace"], "beaver");
  EXPECT_EQ(r.body["slug"], "alice-example-com");
  EXPECT_EQ(r.body["url"], "http://alice-example-com.localhost:8088");
  EXPECT_EQ(r.body["ready"], false);
  EXPECT_EQ(r.body["template"], "beaver/app");  // the only template of the namespace

  Reply again = Call("POST", "/provision/v1/instances", R"({"user": "alice@example.com"})");
  EXPECT_EQ(again.code, 200);
  EXPECT_EQ(again.body["name"], r.body["name"]);
  Reply other = Call("POST", "/provision/v1/instances",
                     R"({"user": "alice@example.com", "slug": "elsewhere"})");
  EXPECT_EQ(other.code, 409);

  Reply get = Call("GET", "/provision/v1/instances/alice@example.com");
  ASSERT_EQ(get.code, 200);
  EXPECT_EQ(get.body["user"], "alice@example.com");
  EXPECT_EQ(get.body["phase"], "Pending");
  Reply list = Call("GET", "/provision/v1/instances");
  ASSERT_EQ(list.code, 200);
  EXPECT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/provision/v1/instances/nobody").code, 404);
}

TEST_F(ProvisionTest, BadSlugsAre422AndCreateNothing) {
  for (std::string slug : std::vector<std::string>{"a.b", "a/b", "..", "a b", "a\\nb", "a'b",
                                                   "a\\\"b", "a{b}", "a;b", std::string(64, 'x')}) {
    Reply r =
        Call("POST", "/provision/v1/instances", R"({"user": "eve", "slug": ")" + slug + R"("})");
    EXPECT_EQ(r.code, 422) << slug << ": " << r.body.dump();
    EXPECT_EQ(r.body["details"]["causes"][0]["field"], "spec.slug") << r.body.dump();
  }
  EXPECT_EQ(Call("POST", "/provision/v1/instances", R"({"user": "bad user"})").code, 422);
  EXPECT_EQ(Call("POST", "/provision/v1/instances", R"({"user": "x", "template": "nope"})").code,
            422);
  auto list = registry_->List("Instance", "beaver", {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->items.empty());
}

TEST_F(ProvisionTest, ProviderCreatesSecretAndProviderAndSetsSpecProvider) {
  ASSERT_EQ(Call("POST", "/provision/v1/instances", R"({"user": "frank"})").code, 201);
  Reply r = Call("POST", "/provision/v1/instances/frank/provider",
                 R"({"type": "openai", "baseURL": "https://api.example.com/v1",
                     "models": ["m1", "m2"], "apiKey": "sk-frank-secret"})");
  ASSERT_EQ(r.code, 200) << r.body.dump();
  EXPECT_EQ(r.body.dump().find("sk-frank-secret"), std::string::npos);
  std::string name = InstanceNameForUser("frank");
  auto inst = registry_->Get("Instance", "beaver", name);
  ASSERT_TRUE(inst.ok());
  EXPECT_EQ(inst->spec()["provider"], name);
  auto provider = registry_->Get("Provider", "beaver", name);
  ASSERT_TRUE(provider.ok());
  EXPECT_EQ(provider->spec()["baseURL"], "https://api.example.com/v1");
  EXPECT_EQ(provider->spec()["apiKeySecretRef"]["name"], name + "-provider-key");
  EXPECT_EQ(provider->metadata()["ownerReferences"][0]["uid"], inst->uid());
  auto secret = registry_->Get("Secret", "beaver", name + "-provider-key");
  ASSERT_TRUE(secret.ok());

  // Changing the model only keeps the key.
  r = Call("POST", "/provision/v1/instances/frank/provider",
           R"({"type": "openai", "baseURL": "https://api.example.com/v1", "models": ["m3"]})");
  ASSERT_EQ(r.code, 200) << r.body.dump();
  EXPECT_EQ(registry_->Get("Provider", "beaver", name)->spec()["models"][0], "m3");
  EXPECT_EQ(Call("POST", "/provision/v1/instances/frank/provider", R"({"type": "openai"})").code,
            422);
}

TEST_F(ProvisionTest, DeleteMarksPurgeAndViewersCannotWrite) {
  ASSERT_EQ(Call("POST", "/provision/v1/instances", R"({"user": "gina"})").code, 201);
  EXPECT_EQ(Call("DELETE", "/provision/v1/instances/gina", "", apiserver::Role::kViewer).code, 403);
  EXPECT_EQ(Call("GET", "/provision/v1/instances/gina", "", apiserver::Role::kViewer).code, 200);
  Reply r = Call("DELETE", "/provision/v1/instances/gina?purge=true");
  ASSERT_EQ(r.code, 200) << r.body.dump();
  EXPECT_EQ(r.body["purge"], true);
  // No finalizer here (no controller): the Instance is gone.
  EXPECT_EQ(Call("GET", "/provision/v1/instances/gina").code, 404);
  EXPECT_EQ(Call("DELETE", "/provision/v1/instances/gina").code, 404);
}

}  // namespace
}  // namespace berth::instance
