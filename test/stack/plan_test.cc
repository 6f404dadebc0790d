#include "controllers/stack/plan.h"

#include <gtest/gtest.h>

#include "test/stack/fixtures.h"

namespace berth::stack {
namespace {

using namespace std::chrono_literals;
using Type = Action::Type;

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ParseStackSpec(testing::ShareStacksSpec());
    ASSERT_TRUE(s.ok());
    in_.spec = *s;
    for (const auto& [name, svc] : in_.spec.services) in_.desired_hash[name] = "h-" + name;
    in_.network_names = {{"panel", "1panel-network"}};
    in_.observed.external_networks = {"1panel-network"};
    in_.now = std::chrono::system_clock::from_time_t(1'800'000'000);
  }
  ObservedContainer& Run(const std::string& svc, const std::string& health = "") {
    ObservedContainer c;
    c.id = "id-" + svc;
    c.name = svc;
    c.service = svc;
    c.hash = in_.desired_hash[svc];
    c.state = "running";
    c.health = health;
    c.started_at = in_.now - 60s;
    c.networks = {"1panel-network"};
    in_.observed.containers.push_back(c);
    return in_.observed.containers.back();
  }
  static bool Has(const ServicePlan& sp, Type t) {
    for (const auto& a : sp.actions) {
      if (a.type == t) return true;
    }
    return false;
  }
  PlanInput in_;
};

TEST_F(PlanTest, FreshStackStartsOnlyIndependentServices) {
  Plan p = MakePlan(in_);
  EXPECT_TRUE(Has(p.services["postgres"], Type::kCreateContainer));
  EXPECT_TRUE(Has(p.services["valkey"], Type::kCreateContainer));
  EXPECT_TRUE(Has(p.services["playwright"], Type::kCreateContainer));
  EXPECT_EQ(p.services["pg_init"].phase, "Waiting");
  EXPECT_EQ(p.services["pg_init"].message, "waiting for postgres to be healthy");
  EXPECT_TRUE(p.services["gpt-load"].actions.empty());
  EXPECT_FALSE(p.ready);
  EXPECT_TRUE(p.progressing);
  EXPECT_FALSE(p.degraded);
}

TEST_F(PlanTest, HealthGatesTheNextWave) {
  Run("postgres", "starting");
  Run("valkey", "healthy");
  Run("playwright");
  Plan p = MakePlan(in_);
  EXPECT_EQ(p.services["postgres"].phase, "Starting");
  EXPECT_EQ(p.services["pg_init"].phase, "Waiting");

  in_.observed.containers[0].health = "healthy";
  p = MakePlan(in_);
  EXPECT_EQ(p.services["postgres"].phase, "Healthy");
  EXPECT_TRUE(Has(p.services["pg_init"], Type::kCreateContainer));
  EXPECT_EQ(p.services["pg_init"].attempts, 1);
  EXPECT_EQ(p.services["gpt-load"].phase, "Waiting");
}

TEST_F(PlanTest, CompletedJobUnblocksAndIsRecorded) {
  Run("postgres", "healthy");
  Run("valkey", "healthy");
  Run("playwright");
  ObservedContainer& job = Run("pg_init");
  job.state = "exited";
  job.exit_code = 0;
  Plan p = MakePlan(in_);
  EXPECT_EQ(p.services["pg_init"].phase, "Completed");
  EXPECT_TRUE(Has(p.services["gpt-load"], Type::kCreateContainer));

  // Once status records completion, a removed job container does not re-run it.
  in_.observed.containers.pop_back();
  in_.previous["pg_init"] = {"Completed", "h-pg_init", "id-pg_init", 1, 0, "", {}};
  p = MakePlan(in_);
  EXPECT_EQ(p.services["pg_init"].phase, "Completed");
  EXPECT_TRUE(p.services["pg_init"].actions.empty());
}

TEST_F(PlanTest, FailedJobBlocksDependentsAndRetriesWithBackoff) {
  Run("postgres", "healthy");
  Run("valkey", "healthy");
  Run("playwright");
  ObservedContainer& job = Run("pg_init");
  job.state = "exited";
  job.exit_code = 3;
  job.finished_at = in_.now - 1s;
  in_.previous["pg_init"] = {"Starting", "h-pg_init", "", 1, 0, "", {}};
  Plan p = MakePlan(in_);
  const ServicePlan& sp = p.services["pg_init"];
  EXPECT_EQ(sp.phase, "Failed");
  EXPECT_EQ(sp.exit_code, 3);
  EXPECT_TRUE(sp.fetch_logs);
  EXPECT_TRUE(sp.actions.empty());
  EXPECT_NE(sp.message.find("exit code 3"), std::string::npos);
  EXPECT_EQ(p.services["gpt-load"].phase, "Waiting");
  EXPECT_NE(p.services["gpt-load"].message.find("pg_init to be completed (Failed"),
            std::string::npos);
  EXPECT_TRUE(p.degraded);
  ASSERT_TRUE(p.requeue_after);
  EXPECT_LE(*p.requeue_after, 5s);

  in_.now += 5s;
  p = MakePlan(in_);
  ASSERT_TRUE(Has(p.services["pg_init"], Type::kCreateContainer));
  EXPECT_EQ(p.services["pg_init"].actions[0].remove_first, std::vector<std::string>{"id-pg_init"});
  EXPECT_EQ(p.services["pg_init"].attempts, 2);
}

TEST_F(PlanTest, DriftIsRepaired) {
  Run("postgres", "healthy");
  in_.previous["valkey"] = {"Healthy", "h-valkey", "id-valkey", 0, 0, "", {}};
  Plan p = MakePlan(in_);  // valkey's container vanished
  ASSERT_TRUE(Has(p.services["valkey"], Type::kCreateContainer));
  EXPECT_EQ(p.services["valkey"].actions[0].reason, "container missing");

  ObservedContainer& stopped = Run("playwright");
  stopped.state = "exited";
  stopped.exit_code = 137;
  stopped.finished_at = in_.now - 1s;  // ran for a minute: not a crash loop
  p = MakePlan(in_);
  EXPECT_TRUE(Has(p.services["playwright"], Type::kStartContainer));
}

TEST_F(PlanTest, CrashLoopBacksOff) {
  ObservedContainer& c = Run("playwright");
  c.state = "exited";
  c.exit_code = 1;
  c.started_at = in_.now - 2s;
  c.finished_at = in_.now - 1s;
  in_.previous["playwright"] = {"Starting", "h-playwright", "id-playwright", 0, 2, "", {}};
  Plan p = MakePlan(in_);
  EXPECT_EQ(p.services["playwright"].crash_count, 3);
  EXPECT_EQ(p.services["playwright"].phase, "Failed");
  EXPECT_TRUE(p.services["playwright"].actions.empty());
  // The same exit seen again is not counted twice.
  in_.previous["playwright"].crash_count = 3;
  in_.previous["playwright"].finished_at = c.finished_at;
  EXPECT_EQ(MakePlan(in_).services["playwright"].crash_count, 3);
}

TEST_F(PlanTest, ChangedHashRecreatesInDependencyOrder) {
  Run("postgres", "healthy");
  Run("valkey", "healthy");
  Run("playwright");
  Run("gpt-load");
  in_.previous["pg_init"] = {"Completed", "h-pg_init", "", 1, 0, "", {}};
  in_.desired_hash["postgres"] = "h2-postgres";
  in_.desired_hash["pg_init"] = "h2-pg_init";
  in_.desired_hash["gpt-load"] = "h2-gpt-load";
  Plan p = MakePlan(in_);
  ASSERT_TRUE(Has(p.services["postgres"], Type::kCreateContainer));
  EXPECT_EQ(p.services["postgres"].actions[0].reason, "spec changed");
  // Dependents keep running their old containers until the new postgres is healthy.
  EXPECT_EQ(p.services["pg_init"].phase, "Waiting");
  EXPECT_TRUE(p.services["gpt-load"].actions.empty());
  EXPECT_TRUE(p.services["valkey"].actions.empty());
  EXPECT_TRUE(p.services["playwright"].actions.empty());
}

TEST_F(PlanTest, MissingExternalNetworkIsDegraded) {
  in_.observed.external_networks.clear();
  Plan p = MakePlan(in_);
  EXPECT_TRUE(p.degraded);
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_EQ(p.problems[0], "external network \"1panel-network\" not found");
  EXPECT_EQ(p.services["postgres"].phase, "Waiting");
  EXPECT_TRUE(p.services["postgres"].actions.empty());
  EXPECT_TRUE(p.infra.empty());  // never created by berth
}

TEST_F(PlanTest, StraysAreCleanedUpAndOwnedNetworksCreated) {
  in_.spec.networks["internal"] = NetworkDecl{"internal", true, false, "", "bridge", {}};
  in_.network_names["internal"] = "share_internal";
  ObservedContainer& stray = Run("old-service");
  stray.service = "old-service";
  Plan p = MakePlan(in_);
  ASSERT_EQ(p.cleanup.size(), 1u);
  EXPECT_EQ(p.cleanup[0].type, Type::kRemoveContainer);
  ASSERT_EQ(p.infra.size(), 1u);
  EXPECT_EQ(p.infra[0].type, Type::kCreateNetwork);
  EXPECT_EQ(p.infra[0].key, "internal");
}

TEST_F(PlanTest, ReadyWhenEverythingIsInItsEndState) {
  Run("postgres", "healthy");
  Run("valkey", "healthy");
  Run("playwright");
  Run("gpt-load");
  in_.previous["pg_init"] = {"Completed", "h-pg_init", "", 1, 0, "", {}};
  Plan p = MakePlan(in_);
  EXPECT_TRUE(p.ready);
  EXPECT_EQ(p.ready_count, 5);
  EXPECT_FALSE(p.progressing);
  EXPECT_FALSE(p.requeue_after);  // idle: nothing to poll
}

}  // namespace
}  // namespace berth::stack
