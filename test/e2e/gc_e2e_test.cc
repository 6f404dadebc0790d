// Deletion propagation end to end: two `berth serve` processes (API only, as
// every e2e server) on one store, SQLite and PostgreSQL. The garbage
// collector runs in whichever of them holds its lease, so a Foreground
// delete sent to one server, and the finalizer of a dependent removed through
// the other, complete either way; after the first server stops, the second
// collects.
#include <functional>

#include "test/e2e/serve_e2e_support.h"
#include "test/store/store_test_support.h"

namespace berth::e2e {
namespace {

using testing::Json;
constexpr const char* kStacks = "/apis/berth.dev/v1alpha1/namespaces/default/stacks";

bool Eventually(const std::function<bool()>& cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

class GcE2eTest : public ::testing::TestWithParam<std::string> {
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
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto why = a_.Start("gc-a-" + name + "-" + GetParam(), cfg);
    ASSERT_FALSE(why) << *why;
    // The second server opens the first one's store: its SQLite file, or the
    // same database.
    if (cfg.store_url.empty()) cfg.store_url = "sqlite://" + a_.data_dir() + "/berth.db";
    why = b_.Start("gc-b-" + name + "-" + GetParam(), cfg);
    ASSERT_FALSE(why) << *why;
    admin_ = a_.admin_token();  // the store's only admin token: b found it there
  }

  std::string Path(const std::string& name = "") const {
    return std::string(kStacks) + (name.empty() ? "" : "/" + name);
  }
  // Creates a Stack through `env`; returns its uid.
  std::string Make(ServeEnv& env, const std::string& name, const std::string& owner = "",
                   const std::string& owner_uid = "", bool held = false) {
    Json s = {{"apiVersion", "berth.dev/v1alpha1"},
              {"kind", "Stack"},
              {"metadata", {{"name", name}}},
              {"spec", {{"services", {{"web", {{"image", "busybox:1"}}}}}}}};
    if (!owner.empty()) {
      s["metadata"]["ownerReferences"] = {{{"apiVersion", "berth.dev/v1alpha1"},
                                           {"kind", "Stack"},
                                           {"name", owner},
                                           {"uid", owner_uid}}};
    }
    if (held) s["metadata"]["finalizers"] = {"test.berth.dev/hold"};
    auto r = env.Client(admin_).Post(Path(), s);
    EXPECT_EQ(r.code, 201) << r.body;
    return r.code == 201 ? r.json()["metadata"]["uid"].get<std::string>() : "";
  }
  int Code(ServeEnv& env, const std::string& name) {
    return env.Client(admin_).Get(Path(name)).code;
  }
  std::string Logs() { return "server a:\n" + a_.log() + "\nserver b:\n" + b_.log(); }

  std::unique_ptr<store::testing::TestDatabase> db_;  // destroyed after the servers
  ServeEnv a_, b_;
  std::string admin_;
};

TEST_P(GcE2eTest, ForegroundAndBackgroundAcrossTwoServers) {
  std::string uid = Make(a_, "owner");
  Make(a_, "held", "owner", uid, /*held=*/true);
  Make(a_, "plain", "owner", uid);

  auto del = b_.Client(admin_).Delete(Path("owner") + "?propagationPolicy=Foreground");
  ASSERT_EQ(del.code, 200) << del.body;
  EXPECT_EQ(del.json()["metadata"]["finalizers"], Json::array({"foregroundDeletion"}));
  ASSERT_TRUE(Eventually([&] { return Code(a_, "plain") == 404; })) << Logs();
  ASSERT_TRUE(Eventually([&] {
    auto h = a_.Client(admin_).Get(Path("held"));
    return h.code == 200 && h.json()["metadata"].contains("deletionTimestamp");
  })) << Logs();
  // The held dependent keeps the owner: readable on both servers, marked.
  for (ServeEnv* env : {&a_, &b_}) {
    auto owner = env->Client(admin_).Get(Path("owner"));
    ASSERT_EQ(owner.code, 200) << owner.body;
    EXPECT_TRUE(owner.json()["metadata"].contains("deletionTimestamp"));
    EXPECT_EQ(owner.json()["metadata"]["finalizers"], Json::array({"foregroundDeletion"}));
  }
  auto release = a_.Client(admin_).Patch(Path("held"), R"({"metadata":{"finalizers":null}})");
  ASSERT_EQ(release.code, 200) << release.body;
  EXPECT_TRUE(Eventually([&] { return Code(b_, "owner") == 404; })) << Logs();

  // With the first server gone (its lease released on SIGTERM), the second
  // one collects: Background removes the owner at once, the dependents after.
  EXPECT_EQ(a_.Stop(), 0);
  std::string bg = Make(b_, "owner2");
  Make(b_, "dep", "owner2", bg);
  auto bgdel = b_.Client(admin_).Delete(Path("owner2"));
  ASSERT_EQ(bgdel.code, 200) << bgdel.body;
  EXPECT_EQ(Code(b_, "owner2"), 404);
  EXPECT_TRUE(Eventually([&] { return Code(b_, "dep") == 404; })) << Logs();
}

INSTANTIATE_TEST_SUITE_P(Backends, GcE2eTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace berth::e2e
