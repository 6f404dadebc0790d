// Pull credentials from imagePullSecrets: which registry an image comes from,
// both Secret formats, and the choice among several Secrets read through a
// real (SQLite) registry. No message ever carries a credential.
#include "controllers/stack/pull_auth.h"

#include <gtest/gtest.h>

#include "operator/api/catalog.h"
#include "operator/common/strings.h"
#include "operator/store/store.h"

namespace berth::stack {
namespace {

using Data = std::map<std::string, std::string>;

TEST(PullAuthTest, ImageRegistry) {
  EXPECT_EQ(ImageRegistry("postgres:15"), "docker.io");
  EXPECT_EQ(ImageRegistry("library/redis:7"), "docker.io");
  EXPECT_EQ(ImageRegistry("tbphp/gpt-load:latest"), "docker.io");
  EXPECT_EQ(ImageRegistry("ghcr.io/tbphp/gpt-load:latest"), "ghcr.io");
  EXPECT_EQ(ImageRegistry("127.0.0.1:5000/berth-test/app:1"), "127.0.0.1:5000");
  EXPECT_EQ(ImageRegistry("localhost/app"), "localhost");
  EXPECT_EQ(ImageRegistry("Registry.Example.com/a/b@sha256:00"), "registry.example.com");
  EXPECT_EQ(ImageRegistry("docker.io/library/busybox"), "docker.io");
  EXPECT_EQ(ImageRegistry("index.docker.io/library/busybox"), "docker.io");
}

TEST(PullAuthTest, NormalizeRegistry) {
  EXPECT_EQ(NormalizeRegistry("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(NormalizeRegistry("http://127.0.0.1:5000/"), "127.0.0.1:5000");
  EXPECT_EQ(NormalizeRegistry("GHCR.io"), "ghcr.io");
}

TEST(PullAuthTest, KeysForm) {
  Data d = {{"registry", "https://127.0.0.1:5000"}, {"username", "berth"}, {"password", "pw-1"}};
  auto a = RegistryAuthFromSecret(d, "127.0.0.1:5000");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->username, "berth");
  EXPECT_EQ((*a)->password, "pw-1");
  EXPECT_EQ((*a)->server_address, "127.0.0.1:5000");
  // Another registry: no credentials, no error.
  a = RegistryAuthFromSecret(d, "ghcr.io");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(*a);
  // A missing key is named; the values are not.
  d.erase("registry");
  a = RegistryAuthFromSecret(d, "127.0.0.1:5000");
  ASSERT_FALSE(a.ok());
  ASSERT_EQ(a.status().causes().size(), 1u);
  EXPECT_EQ(a.status().causes()[0].field, "registry");
  EXPECT_EQ(a.status().ToString().find("pw-1"), std::string::npos);
}

TEST(PullAuthTest, DockerConfigJsonForm) {
  std::string cfg = R"({"auths": {
      "https://index.docker.io/v1/": {"auth": ")" +
                    Base64Encode("hubuser:hub-pw:with-colon") + R"("},
      "127.0.0.1:5000": {"username": "berth", "password": "pw-2"}}})";
  Data d = {{".dockerconfigjson", cfg}};
  auto hub = RegistryAuthFromSecret(d, "docker.io");
  ASSERT_TRUE(hub.ok()) << hub.status().ToString();
  ASSERT_TRUE(*hub);
  EXPECT_EQ((*hub)->username, "hubuser");
  EXPECT_EQ((*hub)->password, "hub-pw:with-colon");
  EXPECT_EQ((*hub)->server_address, "https://index.docker.io/v1/");
  auto local = RegistryAuthFromSecret(d, "127.0.0.1:5000");
  ASSERT_TRUE(local.ok() && *local);
  EXPECT_EQ((*local)->password, "pw-2");
  auto none = RegistryAuthFromSecret(d, "ghcr.io");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  // Malformed: the error names the key, never the content.
  auto bad = RegistryAuthFromSecret({{".dockerconfigjson", "{\"auths\": secret-pw"}}, "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().causes()[0].field, ".dockerconfigjson");
  EXPECT_EQ(bad.status().ToString().find("secret-pw"), std::string::npos);
  bad = RegistryAuthFromSecret({{".dockerconfigjson", R"({"auths": {"x": {"auth": "!!"}}})"}}, "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().causes()[0].field, ".dockerconfigjson.auths.x.auth");
}

class PullCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin());
  }
  void Secret(const std::string& name, const api::Json& string_data) {
    auto made = registry_->Create(api::Object(api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                                                        {"kind", "Secret"},
                                                        {"metadata", {{"name", name}}},
                                                        {"stringData", string_data}}));
    ASSERT_TRUE(made.ok()) << made.status().ToString();
  }
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
};

TEST_F(PullCredentialsTest, FirstSecretWithCredentialsForTheRegistryWins) {
  Secret("hub", {{"registry", "docker.io"}, {"username", "hubuser"}, {"password", "hub-pw"}});
  Secret("local", {{"registry", "127.0.0.1:5000"}, {"username", "berth"}, {"password", "pw-3"}});
  Secret("junk", {{"token", "junk-value"}});
  const std::string image = "127.0.0.1:5000/berth-test/app:1";

  PullCredentials c =
      FindPullCredentials(*registry_, "default", {"missing", "junk", "hub", "local"}, image);
  ASSERT_TRUE(c.auth);
  EXPECT_EQ(c.secret, "local");
  EXPECT_EQ(c.auth->username, "berth");
  EXPECT_EQ(c.auth->password, "pw-3");
  EXPECT_EQ(c.values, (std::set<std::string>{"berth", "pw-3"}));
  EXPECT_EQ(PullDescription(image, c), "pull " + image + " with credentials from Secret \"local\"");

  // None for this registry: an anonymous pull, and its error says why.
  c = FindPullCredentials(*registry_, "default", {"missing", "junk", "hub"}, image);
  EXPECT_FALSE(c.auth);
  Status err = PullError(image, c, Status::Unauthorized("no basic auth credentials"));
  EXPECT_EQ(err.code(), Code::kUnauthorized);
  EXPECT_EQ(err.message(), "pull " + image +
                               " without credentials (Secret \"missing\" not found; "
                               "Secret \"junk\": key registry: Required value: a pull Secret "
                               "has a .dockerconfigjson key, or registry, username and "
                               "password; Secret \"hub\" has no credentials for "
                               "127.0.0.1:5000): no basic auth credentials");
  for (const char* v : {"hub-pw", "junk-value", "pw-3"}) {
    EXPECT_EQ(err.message().find(v), std::string::npos) << v;
  }
  // Another namespace's Secret is not found.
  c = FindPullCredentials(*registry_, "other", {"local"}, image);
  EXPECT_FALSE(c.auth);
  // No imagePullSecrets at all: the plain description.
  EXPECT_EQ(PullDescription(image, FindPullCredentials(*registry_, "default", {}, image)),
            "pull " + image);
}

TEST_F(PullCredentialsTest, ACredentialEchoedByTheRegistryIsScrubbed) {
  Secret("local", {{"registry", "127.0.0.1:5000"}, {"username", "berth"}, {"password", "pw-4"}});
  PullCredentials c = FindPullCredentials(*registry_, "default", {"local"}, "127.0.0.1:5000/app:1");
  ASSERT_TRUE(c.auth);
  Status err =
      PullError("127.0.0.1:5000/app:1", c, Status::Unauthorized("login berth:pw-4 refused"));
  EXPECT_EQ(err.message().find("pw-4"), std::string::npos) << err.message();
  EXPECT_NE(err.message().find("login <redacted>:<redacted> refused"), std::string::npos)
      << err.message();
}

}  // namespace
}  // namespace berth::stack
