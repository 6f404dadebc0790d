// Two `berth serve` on one store (the same SQLite file; the same PostgreSQL
// database when BERTH_TEST_PG_URL is set): the second stays passive while the
// first leads, takes over when the first is killed with SIGKILL (its lease,
// 8 s, runs out), and then reconciles: it repairs a container removed by hand
// while nobody led. And two `berth serve` on two stores (two "clusters") on
// one Docker engine leave each other's containers alone.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string SmallStack(const std::string& name) {
  return "apiVersion: berth.dev/v1alpha1\n"
         "kind: Stack\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "spec:\n"
         "  services:\n"
         "    web:\n"
         "      image: berth-test/busybox:1\n"
         "      imagePullPolicy: Never\n"
         "      command: [berth-echo, \"8080\"]\n"
         "      healthcheck:\n"
         "        test: [CMD, timeout, \"3\", wget, -qO, /dev/null, "
         "\"http://127.0.0.1:8080/health\"]\n"
         "        interval: 1s\n"
         "        retries: 30\n";
}

class LeaderHandOverE2E : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    stack_ = "ha-" + GetParam();
    if (auto why = docker_.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
    docker_.CleanStack(stack_);
    if (GetParam() == "postgres") {
      const char* url = std::getenv("BERTH_TEST_PG_URL");
      if (url == nullptr || *url == '\0') BERTH_E2E_SKIP("BERTH_TEST_PG_URL is not set");
      pg_ = std::make_unique<PgDatabase>(url);
      if (!pg_->ok()) BERTH_E2E_SKIP("cannot create a database at BERTH_TEST_PG_URL");
      opts_.store_url = pg_->url();
    }
    opts_.data_dir = tmp_.path() + "/data";  // shared: admin.token, secrets, stack dirs
  }
  void TearDown() override {
    if (HasFailure()) {
      if (first_) std::cerr << "---- first server log\n" << first_->log() << "\n";
      if (second_) std::cerr << "---- second server log\n" << second_->log() << "\n";
    }
    if (first_) first_->Terminate();
    if (second_) second_->Terminate();
    if (docker_.Connect({}) == std::nullopt) docker_.CleanStack(stack_);
  }

  std::string WebName() const { return stack_ + "-web"; }

  std::string stack_;
  DockerEnv docker_;
  TempDir tmp_;
  std::unique_ptr<PgDatabase> pg_;
  StackServer::Options opts_;
  std::unique_ptr<StackServer> first_, second_;
};

TEST_P(LeaderHandOverE2E, SecondServerStaysPassiveThenTakesOverAfterKill9) {
  first_ = std::make_unique<StackServer>(tmp_.path() + "/a");
  if (auto why = first_->Start(opts_)) {
    if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
    FAIL() << *why;
  }
  ASSERT_TRUE(first_->WaitLeading(seconds(30))) << first_->log();
  second_ = std::make_unique<StackServer>(tmp_.path() + "/b");
  ASSERT_EQ(second_->Start(opts_), std::nullopt);

  // The passive server serves the API; the leader does the work.
  RunResult r = second_->Apply(SmallStack(stack_));
  ASSERT_EQ(r.code, 0) << r.err;
  r = second_->Berth({"wait", "--for=condition=Ready", "stack/" + stack_, "--timeout=120s"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto web = docker_.Inspect(WebName());
  ASSERT_TRUE(web);
  // Drift while the first leads: repaired by the first.
  ASSERT_TRUE(docker_.client().RemoveContainer(web->id, true, false).ok());
  ASSERT_TRUE(Eventually(
      [&] {
        auto c = docker_.Inspect(WebName());
        return c && c->state.running;
      },
      seconds(60)));
  EXPECT_FALSE(second_->Leading()) << second_->log();
  EXPECT_EQ(second_->log().find("create container"), std::string::npos)
      << "the passive server acted:\n"
      << second_->log();

  // kill -9 the leader and break something at once: nobody repairs it until
  // the second server's lease wait is over.
  web = docker_.Inspect(WebName());
  ASSERT_TRUE(web);
  auto t0 = std::chrono::steady_clock::now();
  first_->Kill9();
  ASSERT_TRUE(docker_.client().RemoveContainer(web->id, true, false).ok());
  ASSERT_TRUE(second_->WaitLeading(seconds(60))) << second_->log();
  auto took_over = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(Eventually(
      [&] {
        auto c = docker_.Inspect(WebName());
        return c && c->state.running;
      },
      seconds(60), milliseconds(20)));
  auto repaired = std::chrono::steady_clock::now() - t0;
  std::cout << "leader hand-over (" << GetParam() << "): took over "
            << std::chrono::duration_cast<milliseconds>(took_over).count()
            << " ms after kill -9, container repaired after "
            << std::chrono::duration_cast<milliseconds>(repaired).count() << " ms\n";
  r = second_->Berth({"wait", "--for=condition=Ready", "stack/" + stack_, "--timeout=60s"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(Store, LeaderHandOverE2E, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

TEST(TwoStoresE2E, ServersOfDifferentStoresLeaveEachOthersStacksAlone) {
  DockerEnv docker;
  if (auto why = docker.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
  docker.CleanStack("iso-a");
  docker.CleanStack("iso-b");
  TempDir tmp;
  StackServer a(tmp.path() + "/a"), b(tmp.path() + "/b");
  if (auto why = a.Start()) {
    if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
    FAIL() << *why;
  }
  ASSERT_EQ(a.Apply(SmallStack("iso-a")).code, 0);
  ASSERT_EQ(a.Berth({"wait", "--for=condition=Ready", "stack/iso-a", "--timeout=120s"}).code, 0)
      << a.log();
  auto a_web = docker.Inspect("iso-a-web");
  ASSERT_TRUE(a_web);

  // The second server starts (and lists every berth container on the engine),
  // runs its own Stack, and sees events about the first one's container.
  ASSERT_EQ(b.Start(), std::nullopt);
  ASSERT_TRUE(b.WaitLeading(seconds(30))) << b.log();
  ASSERT_EQ(b.Apply(SmallStack("iso-b")).code, 0);
  ASSERT_EQ(b.Berth({"wait", "--for=condition=Ready", "stack/iso-b", "--timeout=120s"}).code, 0)
      << b.log();
  ASSERT_TRUE(docker.client().RestartContainer(a_web->id, seconds(5)).ok());
  // Then something only the second server repairs: once it has, it has seen
  // the events before it too.
  auto b_web = docker.Inspect("iso-b-web");
  ASSERT_TRUE(b_web);
  ASSERT_TRUE(docker.client().RemoveContainer(b_web->id, true, false).ok());
  ASSERT_TRUE(Eventually(
      [&] {
        auto c = docker.Inspect("iso-b-web");
        return c && c->state.running;
      },
      seconds(60)));

  auto a_now = docker.Inspect("iso-a-web");
  ASSERT_TRUE(a_now) << "the second server removed the first one's container:\n" << b.log();
  EXPECT_EQ(a_now->id, a_web->id);
  EXPECT_EQ(b.log().find("orphaned"), std::string::npos) << b.log();
  // Each server labels what it makes with its store's identity.
  auto b_now = docker.Inspect("iso-b-web");
  ASSERT_TRUE(b_now);
  ASSERT_TRUE(a_now->labels.count("berth.dev/cluster"));
  ASSERT_TRUE(b_now->labels.count("berth.dev/cluster"));
  EXPECT_NE(a_now->labels.at("berth.dev/cluster"), b_now->labels.at("berth.dev/cluster"));

  b.Terminate();
  a.Terminate();
  docker.CleanStack("iso-a");
  docker.CleanStack("iso-b");
}

}  // namespace
}  // namespace berth::e2e
