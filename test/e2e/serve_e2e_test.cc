// `berth serve` end to end, on SQLite and on PostgreSQL: first start writes
// the admin token (0600, only its hash stored), every verb and error path
// over HTTP, watches, TLS, restart, and a clean SIGTERM shutdown.
#include <sys/stat.h>

#include <csignal>
#include <filesystem>

#include "test/e2e/serve_e2e_support.h"
#include "test/store/store_test_support.h"

namespace berth::e2e {
namespace {

using testing::Json;
constexpr const char* kStacks = "/apis/berth.dev/v1alpha1/namespaces/default/stacks";

Json Stack(const std::string& name, const std::string& image = "busybox:1") {
  return Json{{"apiVersion", "berth.dev/v1alpha1"},
              {"kind", "Stack"},
              {"metadata", {{"name", name}}},
              {"spec", {{"services", {{"web", {{"image", image}}}}}}}};
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

class ServeE2eTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ServeEnv::Config cfg;
    if (GetParam() == "postgresql") {
      if (store::testing::PgAdminUrl().empty()) {
        BERTH_E2E_SKIP_OR_FAIL("BERTH_TEST_PG_URL is not set");
      }
      auto db = store::testing::TestDatabase::Create("postgresql");
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      db_ = std::move(*db);
      cfg.store_url = db_->url();
    }
    cfg.tls = tls_;
    auto why = env_.Start(::testing::UnitTest::GetInstance()->current_test_info()->name() +
                              std::string("-") + GetParam(),
                          cfg);
    ASSERT_FALSE(why) << *why;
    admin_ = env_.admin_token();
    ASSERT_EQ(admin_.rfind("berth_", 0), 0u);
  }

  testing::HttpClient Admin() const { return env_.Client(admin_); }

  bool tls_ = false;
  std::unique_ptr<store::testing::TestDatabase> db_;  // destroyed after env_
  ServeEnv env_;
  std::string admin_;
};

TEST_P(ServeE2eTest, FirstStartWritesAPrivateAdminToken) {
  EXPECT_EQ(Mode(env_.data_dir()), 0700u);
  EXPECT_EQ(Mode(env_.data_dir() + "/admin.token"), 0600u);
  auto tokens = Admin().Get("/auth/v1/tokens");
  ASSERT_EQ(tokens.code, 200) << tokens.body;
  EXPECT_EQ(tokens.json()["items"][0]["name"], "admin");
  EXPECT_EQ(tokens.json()["items"][0]["role"], "admin");
  EXPECT_EQ(tokens.body.find(admin_), std::string::npos);
  if (GetParam() == "sqlite") {  // the database file never holds the token itself
    auto dump = RunCommand({"sqlite3", env_.data_dir() + "/berth.db", ".dump"});
    if (dump.exit_code == 0) {
      EXPECT_EQ(dump.out.find(admin_), std::string::npos);
    }
  }
  // A restart keeps the token and does not write a new one.
  std::filesystem::remove(env_.data_dir() + "/admin.token");
  auto why = env_.Restart();
  ASSERT_FALSE(why) << *why;
  EXPECT_FALSE(std::filesystem::exists(env_.data_dir() + "/admin.token"));
  EXPECT_EQ(Admin().Get(kStacks).code, 200);
}

TEST_P(ServeE2eTest, EveryVerbAndErrorPath) {
  auto anon = env_.Client("");
  EXPECT_EQ(anon.Get(kStacks).code, 401);
  EXPECT_EQ(anon.Get("/healthz").code, 200);
  EXPECT_EQ(anon.Get("/metrics").code, 200);

  auto created = Admin().Post(kStacks, Stack("web"));
  ASSERT_EQ(created.code, 201) << created.body;
  std::string rv = created.json()["metadata"]["resourceVersion"];
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "/web").code, 200);
  EXPECT_EQ(Admin().Get(kStacks).json()["items"].size(), 1u);
  EXPECT_EQ(Admin().Post(kStacks, Stack("web")).code, 409);

  Json bad = Stack("bad");
  bad["spec"]["services"]["web"]["restart"] = "sometimes";
  auto invalid = Admin().Post(kStacks, bad);
  EXPECT_EQ(invalid.code, 422);
  EXPECT_EQ(invalid.json()["details"]["causes"][0]["field"], "spec.services.web.restart");

  auto merged = Admin().Patch(std::string(kStacks) + "/web",
                              R"({"spec":{"services":{"web":{"image":"busybox:2"}}}})");
  ASSERT_EQ(merged.code, 200) << merged.body;
  Json stale = Stack("web", "busybox:3");
  stale["metadata"]["resourceVersion"] = rv;
  EXPECT_EQ(Admin().Put(std::string(kStacks) + "/web", stale).code, 409);

  auto viewer = Admin().Post("/auth/v1/tokens", Json{{"name", "v"}, {"role", "viewer"}});
  ASSERT_EQ(viewer.code, 201);
  auto as_viewer = env_.Client(viewer.json()["token"]);
  EXPECT_EQ(as_viewer.Get(kStacks).code, 200);
  EXPECT_EQ(as_viewer.Post(kStacks, Stack("x")).code, 403);
  EXPECT_EQ(as_viewer.Delete(std::string(kStacks) + "/web").code, 403);

  std::string now_rv = Admin().Get(kStacks).json()["metadata"]["resourceVersion"];
  testing::WatchStream w(env_.url() + kStacks + "?watch=true&resourceVersion=" + now_rv,
                         env_.HttpOpts(admin_));
  ASSERT_EQ(Admin().Delete(std::string(kStacks) + "/web").code, 200);
  auto ev = w.Next(std::chrono::seconds(30));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["type"], "DELETED");
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "/web").code, 404);
}

TEST_P(ServeE2eTest, SigtermShutsDownCleanlyWithOpenWatches) {
  testing::WatchStream w(env_.url() + kStacks + "?watch=true", env_.HttpOpts(admin_));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (env_.Client("").Get("/metrics").body.find("berth_apiserver_open_watches 1") ==
             std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(env_.Stop(), 0) << env_.log();
  EXPECT_NE(env_.log().find("berth serve stopped"), std::string::npos) << env_.log();
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!w.Ended() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(w.Ended());
}

TEST_P(ServeE2eTest, LogsRedactTheStoreUrl) {
  std::string log = env_.log();
  EXPECT_NE(log.find("berth serve: api="), std::string::npos) << log;
  if (GetParam() == "postgresql") {
    // The test URL carries a password; the log must not.
    std::string url = db_->url();
    size_t at = url.find('@'), colon = url.find(':', url.find("//") + 2);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      std::string password = url.substr(colon + 1, at - colon - 1);
      if (!password.empty()) {
        EXPECT_EQ(log.find(":" + password + "@"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(log.find(admin_), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeE2eTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

class ServeTlsE2eTest : public ServeE2eTest {
 protected:
  void SetUp() override {
    tls_ = true;
    ServeE2eTest::SetUp();
  }
};

TEST_P(ServeTlsE2eTest, ServesHttpsWithTheGivenCertificate) {
  EXPECT_EQ(env_.url().rfind("https://", 0), 0u);
  EXPECT_EQ(Admin().Post(kStacks, Stack("tls")).code, 201);
  std::string plain = "http" + env_.url().substr(5);
  EXPECT_NE(testing::HttpClient(plain).Get("/healthz").code, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeTlsE2eTest, ::testing::Values("sqlite"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace berth::e2e
