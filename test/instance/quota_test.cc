// Per-namespace Instance quotas and default-slug collisions, against real
// Registries: two servers (two Stores, two Registries, two provisioning APIs)
// on one database — a SQLite file, and PostgreSQL when BERTH_TEST_PG_URL is
// set — racing parallel creates, which must stop at exactly the quota.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "controllers/instance/admission.h"
#include "controllers/instance/data_owner.h"
#include "controllers/instance/naming.h"
#include "controllers/instance/provision_api.h"
#include "controllers/instance/slug.h"
#include "operator/api/catalog.h"
#include "operator/api/codec.h"
#include "operator/common/filesystem.h"
#include "operator/registry/registry.h"
#include "operator/store/store.h"
#include "test/instance/fixtures.h"
#include "test/store/store_test_support.h"

namespace berth::instance {
namespace {

using api::Json;

// One berth server: its own store connection, registry, admission and API.
struct Server {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<registry::Registry> registry;
  std::unique_ptr<ProvisionApi> api;
};

class QuotaTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && store::testing::PgAdminUrl().empty()) {
      if (store::testing::RequireAll()) GTEST_FAIL() << "BERTH_TEST_PG_URL is not set";
      GTEST_SKIP() << "BERTH_TEST_PG_URL is not set";
    }
    auto db = store::testing::TestDatabase::Create(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  // A server with --instance-quota `options`; the first one creates the
  // Stacks of namespaces "beaver" and "team-a".
  Server& Start(const AdmissionOptions& options) {
    auto& s = servers_.emplace_back(std::make_unique<Server>());
    auto st = store::Open(db_->url());
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    s->store = std::move(*st);
    s->registry = std::make_unique<registry::Registry>(*s->store, api::Catalog::Builtin());
    s->registry->AddAdmission("Instance",
                              std::make_shared<InstanceAdmission>(*s->registry, options));
    s->api = std::make_unique<ProvisionApi>(*s->registry, ProvisionOptions{"beaver", ""});
    if (servers_.size() == 1) {
      for (const char* ns : {"beaver", "team-a"}) {
        auto created = s->registry->Create(
            api::Object(Json{{"apiVersion", "berth.dev/v1alpha1"},
                             {"kind", "Stack"},
                             {"metadata", {{"name", "beaver"}, {"namespace", ns}}},
                             {"spec", testing::BeaverSpec()}}));
        EXPECT_TRUE(created.ok()) << created.status().ToString();
      }
    }
    return *s;
  }

  static api::Object InstanceObj(const std::string& ns, const std::string& name,
                                 const std::string& user) {
    return api::Object(
        Json{{"apiVersion", "berth.dev/v1alpha1"},
             {"kind", "Instance"},
             {"metadata", {{"name", name}, {"namespace", ns}}},
             {"spec", {{"user", user}, {"template", {{"stack", "beaver"}, {"name", "app"}}}}}});
  }

  static apiserver::Response Provision(Server& s, const Json& body) {
    apiserver::Request req;
    req.method = "POST";
    req.path = "/provision/v1/instances";
    req.segments = {"provision", "v1", "instances"};
    req.body = body.dump();
    req.user = {"portal", apiserver::Role::kProvisioner};
    return s.api->Handle(req);
  }

  size_t Count(const std::string& ns) {
    auto list = servers_.front()->registry->List("Instance", ns, {});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? list->items.size() : 0;
  }

  std::unique_ptr<store::testing::TestDatabase> db_;
  std::vector<std::unique_ptr<Server>> servers_;
};

TEST_P(QuotaTest, EachNamespaceHasItsOwnLimit) {
  Server& s = Start({2, {{"team-a", 3}}});
  for (int i = 0; i < 2; ++i) {
    auto r =
        s.registry->Create(InstanceObj("beaver", "b" + std::to_string(i), "u" + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto over = s.registry->Create(InstanceObj("beaver", "b2", "u2"));
  ASSERT_EQ(over.status().code(), Code::kForbidden);
  EXPECT_NE(over.status().message().find("limited: 2"), std::string::npos)
      << over.status().message();
  // team-a has its own limit, and beaver's Instances do not count against it.
  for (int i = 0; i < 3; ++i) {
    auto r =
        s.registry->Create(InstanceObj("team-a", "t" + std::to_string(i), "u" + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto over_a = s.registry->Create(InstanceObj("team-a", "t3", "u3"));
  ASSERT_EQ(over_a.status().code(), Code::kForbidden);
  EXPECT_NE(over_a.status().message().find("used: 3, limited: 3"), std::string::npos)
      << over_a.status().message();
  // A dry run is checked the same way and writes nothing.
  registry::WriteOptions dry;
  dry.dry_run = true;
  EXPECT_EQ(s.registry->Create(InstanceObj("team-a", "t4", "u4"), dry).status().code(),
            Code::kForbidden);
  // Deleting one makes room again.
  ASSERT_TRUE(s.registry->Delete("Instance", "team-a", "t0").ok());
  EXPECT_TRUE(s.registry->Create(InstanceObj("team-a", "t5", "u5")).ok());
  EXPECT_EQ(Count("team-a"), 3u);
}

// N provisioning calls at once, spread over two servers on one database,
// against quota Q: exactly Q Instances, every other call 403.
TEST_P(QuotaTest, ParallelProvisionsOnTwoServersCreateExactlyTheQuota) {
  constexpr int kQuota = 5;
  constexpr int kCalls = 16;
  Server& a = Start({kQuota, {}});
  Server& b = Start({kQuota, {}});
  std::atomic<int> created = 0, forbidden = 0, other = 0;
  std::barrier start(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      Server& s = i % 2 == 0 ? a : b;
      start.arrive_and_wait();
      apiserver::Response r = Provision(s, {{"user", "user" + std::to_string(i)}});
      if (r.code == 201) {
        ++created;
      } else if (r.code == 403) {
        ++forbidden;
        EXPECT_NE(r.body.find("exceeded quota"), std::string::npos) << r.body;
      } else {
        ++other;
        ADD_FAILURE() << r.code << " " << r.body;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kQuota);
  EXPECT_EQ(forbidden.load(), kCalls - kQuota);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("beaver"), static_cast<size_t>(kQuota));
}

// The same through the generic API (registry creates, no provisioning lock).
TEST_P(QuotaTest, ParallelCreatesOnTwoServersCreateExactlyTheQuota) {
  constexpr int kQuota = 4;
  constexpr int kCalls = 12;
  Server& a = Start({0, {{"team-a", kQuota}}});
  Server& b = Start({0, {{"team-a", kQuota}}});
  std::atomic<int> created = 0, forbidden = 0;
  std::barrier start(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      Server& s = i % 2 == 0 ? a : b;
      start.arrive_and_wait();
      auto r = s.registry->Create(
          InstanceObj("team-a", "i" + std::to_string(i), "user" + std::to_string(i)));
      if (r.ok()) {
        ++created;
      } else {
        EXPECT_EQ(r.status().code(), Code::kForbidden) << r.status().ToString();
        ++forbidden;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kQuota);
  EXPECT_EQ(forbidden.load(), kCalls - kQuota);
  EXPECT_EQ(Count("team-a"), static_cast<size_t>(kQuota));
}

// bob.smith, bob_smith and bob+smith all default to "bob-smith": the first
// gets it, the others their own hashed variant; each keeps its Instance.
TEST_P(QuotaTest, CollidingDefaultSlugsGetTheUsersOwnVariant) {
  Server& s = Start({0, {}});
  std::map<std::string, std::string> slugs;
  for (const char* user : {"bob.smith", "bob_smith", "bob+smith"}) {
    apiserver::Response r = Provision(s, {{"user", user}});
    ASSERT_EQ(r.code, 201) << user << ": " << r.body;
    slugs[user] = Json::parse(r.body)["slug"];
  }
  EXPECT_EQ(slugs["bob.smith"], "bob-smith");
  EXPECT_EQ(slugs["bob_smith"], "bob-smith-" + UserHash("bob_smith").substr(0, 6));
  EXPECT_EQ(slugs["bob+smith"], "bob-smith-" + UserHash("bob+smith").substr(0, 6));
  // Idempotent per user: the same Instance and slug again.
  for (const auto& [user, slug] : slugs) {
    apiserver::Response again = Provision(s, {{"user", user}});
    ASSERT_EQ(again.code, 200) << again.body;
    Json j = Json::parse(again.body);
    EXPECT_EQ(j["slug"], slug);
    EXPECT_EQ(j["name"], InstanceNameForUser(user));
  }
  // An explicit slug that is taken is still refused, naming the field.
  apiserver::Response taken = Provision(s, {{"user", "carol"}, {"slug", "bob-smith"}});
  EXPECT_EQ(taken.code, 422) << taken.body;
  Json j = Json::parse(taken.body);
  EXPECT_EQ(j["details"]["causes"][0]["field"], "spec.slug");
  EXPECT_EQ(j["details"]["causes"][0]["reason"], "FieldValueDuplicate");
  EXPECT_EQ(Count("beaver"), 3u);
}

// Data is kept when an Instance is deprovisioned without purge. Its slug is
// then free, but its host directory is not: another user is never given it
// (default or explicit), and the returning user gets it back, even when it
// is a hashed variant and the plain default has become free meanwhile.
TEST_P(QuotaTest, KeptDataOfAnotherUserIsNeverHandedOver) {
  std::string data_dir = ::testing::TempDir() + "berth-kept-" + GetParam();
  FileSystem& fs = RealFileSystem();
  ASSERT_TRUE(fs.RemoveAll(data_dir).ok());
  AdmissionOptions options;
  options.data_dir = data_dir;
  options.fs = &fs;
  Server& s = Start(options);
  auto provision = [&](const Json& body) {
    apiserver::Response r = Provision(s, body);
    return std::make_pair(r.code, Json::parse(r.body, nullptr, false));
  };
  // What the reconciler does before it mounts anything: claim the directory.
  auto claim = [&](const std::string& slug, const std::string& user) {
    ASSERT_TRUE(ClaimDataDir(fs, DirsFor(data_dir, "beaver", slug).root, user).ok());
  };
  auto deprovision = [&](const std::string& user) {
    ASSERT_TRUE(s.registry->Delete("Instance", "beaver", InstanceNameForUser(user)).ok());
  };

  auto [code, bob] = provision({{"user", "bob.smith"}});
  ASSERT_EQ(code, 201) << bob.dump();
  ASSERT_EQ(bob["slug"], "bob-smith");
  claim("bob-smith", "bob.smith");
  deprovision("bob.smith");

  // bob_smith defaults to "bob-smith" too: it holds bob.smith's data, so not that.
  auto [code2, other] = provision({{"user", "bob_smith"}});
  ASSERT_EQ(code2, 201) << other.dump();
  EXPECT_EQ(other["slug"], SlugWithUserHash("bob-smith", "bob_smith"));
  // Asked for by name, it is refused on spec.slug, naming no user.
  auto [code3, refused] = provision({{"user", "carol"}, {"slug", "bob-smith"}});
  EXPECT_EQ(code3, 422) << refused.dump();
  EXPECT_EQ(refused["details"]["causes"][0]["field"], "spec.slug");
  EXPECT_NE(refused.dump().find("kept data"), std::string::npos) << refused.dump();
  EXPECT_EQ(refused.dump().find("bob.smith"), std::string::npos) << refused.dump();
  // bob.smith comes back: his own directory again.
  auto [code4, back] = provision({{"user", "bob.smith"}});
  ASSERT_EQ(code4, 201) << back.dump();
  EXPECT_EQ(back["slug"], "bob-smith");

  // dave's data sits under his hashed variant (his default was taken when
  // he first came); the plain "dave" is free now, yet he gets his variant.
  std::string variant = SlugWithUserHash("dave", "dave");
  claim(variant, "dave");
  auto [code5, dave] = provision({{"user", "dave"}});
  ASSERT_EQ(code5, 201) << dave.dump();
  EXPECT_EQ(dave["slug"], variant);
  ASSERT_TRUE(fs.RemoveAll(data_dir).ok());
}

// Two users whose default slugs collide, provisioned at the same moment on
// two servers: two Instances, two slugs.
TEST_P(QuotaTest, CollidingDefaultSlugsRacingOnTwoServersStayUnique) {
  Server& a = Start({0, {}});
  Server& b = Start({0, {}});
  for (int round = 0; round < 5; ++round) {
    std::string u1 = "dan.x" + std::to_string(round), u2 = "dan_x" + std::to_string(round);
    std::barrier start(2);
    apiserver::Response r1, r2;
    std::thread t1([&] {
      start.arrive_and_wait();
      r1 = Provision(a, {{"user", u1}});
    });
    std::thread t2([&] {
      start.arrive_and_wait();
      r2 = Provision(b, {{"user", u2}});
    });
    t1.join();
    t2.join();
    ASSERT_EQ(r1.code, 201) << r1.body;
    ASSERT_EQ(r2.code, 201) << r2.body;
    EXPECT_NE(Json::parse(r1.body)["slug"], Json::parse(r2.body)["slug"]);
  }
}

TEST(SlugWithUserHashTest, StaysADnsLabel) {
  EXPECT_EQ(SlugWithUserHash("bob-smith", "bob_smith"),
            "bob-smith-" + UserHash("bob_smith").substr(0, 6));
  std::string long_base(63, 'a');
  std::string s = SlugWithUserHash(long_base, "u", 8);
  EXPECT_EQ(s.size(), 63u);
  EXPECT_TRUE(ValidateSlug(s).ok()) << s;
  // A base cut at a '-' does not leave "--".
  std::string dashed = std::string(56, 'a') + "-bbbbbb";
  s = SlugWithUserHash(dashed, "u", 6);
  EXPECT_TRUE(ValidateSlug(s).ok()) << s;
  EXPECT_EQ(SlugWithUserHash("x", "u", 16).size(), 18u);
}

std::string BackendName(const ::testing::TestParamInfo<std::string>& p) {
  return p.param;
}

INSTANTIATE_TEST_SUITE_P(Store, QuotaTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace berth::instance
