// BuildStatus: the Stack conditions a failed job sets, through the planner
// and the status writer the reconciler uses, one reconcile after another.
#include "controllers/stack/status.h"

#include <gtest/gtest.h>

#include "operator/api/meta.h"
#include "test/stack/fixtures.h"

namespace berth::stack {
namespace {

using namespace std::chrono_literals;

class StatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ParseStackSpec(testing::ShareStacksSpec());
    ASSERT_TRUE(s.ok());
    in_.spec = *s;
    for (const auto& [name, svc] : in_.spec.services) in_.desired_hash[name] = "h-" + name;
    in_.network_names = {{"panel", "1panel-network"}};
    in_.observed.external_networks = {"1panel-network"};
    in_.now = std::chrono::system_clock::from_time_t(1'800'000'000);
    Run("postgres", "healthy");
    Run("valkey", "healthy");
    Run("playwright");
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
  ObservedContainer* Find(const std::string& svc) {
    for (auto& c : in_.observed.containers) {
      if (c.service == svc) return &c;
    }
    return nullptr;
  }
  // One reconcile: plan, (pretend to) act, write status; the next one reads it.
  Json Reconcile(const std::map<std::string, std::string>& job_logs = {}) {
    in_.previous = PreviousServices(status_);
    Plan plan = MakePlan(in_);
    WaveResult wave;
    wave.job_logs = job_logs;
    StatusInput si;
    si.generation = 1;
    si.spec = &in_.spec;
    si.plan = &plan;
    si.wave = &wave;
    si.previous = status_;
    si.now = in_.now;
    status_ = BuildStatus(si);
    return status_;
  }
  static Json Cond(const Json& st, const char* type) {
    const Json* c = api::FindCondition(st, type);
    return c ? *c : Json();
  }

  PlanInput in_;
  Json status_;
};

TEST_F(StatusTest, FailedJobSetsFailedWithExitCodeAndLogUntilItCompletes) {
  // No job has failed yet: Failed is False.
  Json st = Reconcile();
  EXPECT_EQ(Cond(st, "Failed").value("status", ""), "False") << st.dump(2);
  ASSERT_EQ(st["services"]["pg_init"]["phase"], "Starting");

  // Attempt 1 exits 3.
  ObservedContainer& job = Run("pg_init");
  job.state = "exited";
  job.exit_code = 3;
  job.finished_at = in_.now - 1s;
  st = Reconcile({{"pg_init", "pg_init: connecting\npg_init: FATAL: no database\n"}});
  Json failed = Cond(st, "Failed");
  EXPECT_EQ(failed.value("status", ""), "True") << st.dump(2);
  EXPECT_EQ(failed.value("reason", ""), "JobFailed");
  std::string msg = failed.value("message", "");
  EXPECT_NE(msg.find("job pg_init failed (attempt 1)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("exit code 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pg_init: FATAL: no database"), std::string::npos) << msg;
  // Degraded stays, with its reason.
  EXPECT_EQ(Cond(st, "Degraded").value("status", ""), "True");
  EXPECT_EQ(Cond(st, "Degraded").value("reason", ""), "JobFailed");
  EXPECT_EQ(st["services"]["gpt-load"]["phase"], "Waiting");

  // The backoff passes: this wave starts attempt 2; the failure is attempt 1's.
  in_.now += 10s;
  st = Reconcile();
  EXPECT_EQ(Cond(st, "Failed").value("status", ""), "True");
  EXPECT_NE(Cond(st, "Failed").value("message", "").find("(attempt 1)"), std::string::npos);
  EXPECT_NE(Cond(st, "Failed").value("message", "").find("pg_init: FATAL"), std::string::npos)
      << "the log tail stays in the condition";

  // Attempt 2 runs: still Failed (nothing has succeeded since).
  ObservedContainer* retry = Find("pg_init");
  retry->id = "id-pg_init-2";
  retry->state = "running";
  retry->exit_code = 0;
  retry->started_at = in_.now;
  retry->finished_at = {};
  st = Reconcile();
  EXPECT_EQ(st["services"]["pg_init"]["phase"], "Running");
  EXPECT_EQ(st["services"]["pg_init"]["attempts"], 2);
  EXPECT_EQ(Cond(st, "Failed").value("status", ""), "True") << st.dump(2);
  EXPECT_NE(Cond(st, "Failed").value("message", "").find("exit code 3"), std::string::npos);

  // Attempt 2 exits 0: Failed turns False, Degraded too.
  in_.now += 2s;
  retry->state = "exited";
  retry->finished_at = in_.now - 1s;
  st = Reconcile();
  EXPECT_EQ(st["services"]["pg_init"]["phase"], "Completed");
  EXPECT_EQ(Cond(st, "Failed").value("status", ""), "False") << st.dump(2);
  EXPECT_EQ(Cond(st, "Failed").value("reason", ""), "NoJobFailed");
  EXPECT_EQ(Cond(st, "Degraded").value("status", ""), "False");
}

TEST_F(StatusTest, AFailingServiceIsDegradedButNotFailed) {
  // Failed is about jobs; a service that cannot start is Degraded only.
  ObservedContainer& pw = *Find("playwright");
  pw.state = "exited";
  pw.exit_code = 1;
  pw.started_at = in_.now - 3s;
  pw.finished_at = in_.now;  // a crash: berth waits 1 s before starting it again
  Json st = Reconcile();
  ASSERT_EQ(st["services"]["playwright"]["phase"], "Failed") << st.dump(2);
  EXPECT_EQ(Cond(st, "Degraded").value("status", ""), "True");
  EXPECT_EQ(Cond(st, "Failed").value("status", ""), "False");
}

}  // namespace
}  // namespace berth::stack
