#include "operator/runtime/controller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <stdexcept>

#include "test/mocks/fake_clock.h"
#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using berth::testing::FakeClock;
using testing::WaitFor;

// Answers each call with the next scripted result (the last one repeats).
class ScriptedReconciler : public Reconciler {
 public:
  using Step = std::function<Result<ReconcileResult>(const Request&)>;
  explicit ScriptedReconciler(std::vector<Step> steps) : steps_(std::move(steps)) {}

  Result<ReconcileResult> Reconcile(const Request& r) override {
    int n = calls_++;
    {
      std::lock_guard lock(mu_);
      seen_.push_back(r.ref.ToString());
    }
    return steps_[std::min<size_t>(n, steps_.size() - 1)](r);
  }
  int calls() const { return calls_; }
  std::vector<std::string> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::vector<Step> steps_;
  std::atomic<int> calls_{0};
  mutable std::mutex mu_;
  std::vector<std::string> seen_;
};

ScriptedReconciler::Step Ok() {
  return [](const Request&) -> Result<ReconcileResult> { return ReconcileResult{}; };
}
ScriptedReconciler::Step Fail(Status s) {
  return [s](const Request&) -> Result<ReconcileResult> { return s; };
}

class ControllerTest : public ::testing::Test {
 protected:
  ControllerOptions Opts(int workers = 2) {
    ControllerOptions o;
    o.name = "stack";
    o.workers = workers;
    o.clock = &clock_;
    o.metrics = &metrics_;
    o.queue.random = [] { return 0.0; };  // exact backoff
    return o;
  }
  // The key has been handled and its retry (if any) scheduled.
  bool Settled(Controller& c, size_t waiting) {
    return WaitFor([&] {
      return c.queue().Processing() == 0 && c.queue().Len() == 0 && c.queue().Waiting() == waiting;
    });
  }
  double Count(const std::string& result) {
    return metrics_
        .GetCounter("berth_reconcile_total", "", {{"controller", "stack"}, {"result", result}})
        .Value();
  }

  FakeClock clock_;
  Metrics metrics_;
  const api::ObjectRef web_{"Stack", "default", "web"};
};

TEST_F(ControllerTest, ReconcilesEnqueuedKeys) {
  ScriptedReconciler rec({Ok()});
  Controller c(Opts(), rec);
  c.Enqueue(web_);  // before Start: waits in the queue
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 1; }));
  EXPECT_EQ(rec.seen(), std::vector<std::string>{"Stack/default/web"});
  ASSERT_TRUE(Settled(c, 0));
  EXPECT_EQ(Count("success"), 1);
  EXPECT_EQ(c.Start().code(), Code::kInternal) << "started twice";
}

TEST_F(ControllerTest, RetriesErrorsWithGrowingBackoff) {
  ScriptedReconciler rec(
      {Fail(Status::Unavailable("docker down")), Fail(Status::Unavailable("docker down")), Ok()});
  Controller c(Opts(), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  ASSERT_TRUE(Settled(c, 1));
  EXPECT_EQ(rec.calls(), 1);
  EXPECT_EQ(c.queue().NumRequeues("Stack/default/web"), 1);

  clock_.Advance(199ms);
  c.queue().Tick();
  EXPECT_EQ(c.queue().Waiting(), 1u) << "first retry after 200 ms";
  clock_.Advance(1ms);
  c.queue().Tick();
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 2; }));
  ASSERT_TRUE(Settled(c, 1));

  clock_.Advance(399ms);
  c.queue().Tick();
  EXPECT_EQ(c.queue().Waiting(), 1u) << "second retry after 400 ms";
  clock_.Advance(1ms);
  c.queue().Tick();
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 3; }));
  ASSERT_TRUE(Settled(c, 0));
  EXPECT_EQ(c.queue().NumRequeues("Stack/default/web"), 0) << "success forgets the backoff";
  EXPECT_EQ(Count("error"), 2);
  EXPECT_EQ(Count("success"), 1);
  EXPECT_EQ(
      metrics_.GetCounter("berth_reconcile_errors_total", "", {{"controller", "stack"}}).Value(),
      2);
}

TEST_F(ControllerTest, TerminalErrorsAreNotRetried) {
  ScriptedReconciler rec({Fail(TerminalError(Status::Invalid("dependency cycle"))), Ok()});
  Controller c(Opts(), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 1; }));
  ASSERT_TRUE(Settled(c, 0)) << "nothing scheduled";
  EXPECT_EQ(c.queue().NumRequeues("Stack/default/web"), 0);
  EXPECT_EQ(Count("terminal"), 1);
  // A new event still reconciles it.
  c.Enqueue(web_);
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 2; }));
}

TEST_F(ControllerTest, RequeueAfterSchedulesTheKey) {
  ScriptedReconciler rec({[](const Request&) -> Result<ReconcileResult> {
                            ReconcileResult r;
                            r.requeue_after = 30s;
                            return r;
                          },
                          Ok()});
  Controller c(Opts(), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  ASSERT_TRUE(Settled(c, 1));
  clock_.Advance(30s);
  c.queue().Tick();
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 2; }));
  EXPECT_EQ(Count("requeue_after"), 1);
}

TEST_F(ControllerTest, RequeueUsesBackoff) {
  ScriptedReconciler rec({[](const Request&) -> Result<ReconcileResult> {
                            ReconcileResult r;
                            r.requeue = true;
                            return r;
                          },
                          Ok()});
  Controller c(Opts(), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  ASSERT_TRUE(Settled(c, 1));
  EXPECT_EQ(c.queue().NumRequeues("Stack/default/web"), 1);
  clock_.Advance(200ms);
  c.queue().Tick();
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 2; }));
}

TEST_F(ControllerTest, AThrowingReconcilerIsRetried) {
  ScriptedReconciler rec({[](const Request&) -> Result<ReconcileResult> {
                            throw std::runtime_error("json type error");
                          },
                          Ok()});
  Controller c(Opts(), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  ASSERT_TRUE(Settled(c, 1));
  EXPECT_EQ(Count("error"), 1);
}

TEST_F(ControllerTest, OneKeyIsNeverReconciledTwiceAtOnce) {
  std::atomic<int> in_flight{0};
  std::atomic<bool> overlap{false};
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> n{0};
  ScriptedReconciler rec({[&](const Request& r) -> Result<ReconcileResult> {
    if (r.ref.name != "web") return ReconcileResult{};
    if (++in_flight > 1) overlap = true;
    if (n++ == 0) {
      entered.set_value();
      released.wait();
    }
    --in_flight;
    return ReconcileResult{};
  }});
  Controller c(Opts(4), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  entered.get_future().wait();
  for (int i = 0; i < 10; ++i) c.Enqueue(web_);  // while the first run is in flight
  c.Enqueue({"Stack", "default", "other"});
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 2; })) << "other keys are not blocked";
  release.set_value();
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 3; })) << "web runs once more";
  ASSERT_TRUE(Settled(c, 0));
  EXPECT_EQ(rec.calls(), 3);
  EXPECT_FALSE(overlap);
}

TEST_F(ControllerTest, StopLetsTheInFlightReconcileFinish) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
  ScriptedReconciler rec({[&](const Request&) -> Result<ReconcileResult> {
    entered.set_value();
    released.wait();
    finished = true;
    return ReconcileResult{};
  }});
  Controller c(Opts(1), rec);
  ASSERT_TRUE(c.Start().ok());
  c.Enqueue(web_);
  entered.get_future().wait();
  c.Enqueue({"Stack", "default", "queued"});
  auto stopped = std::async(std::launch::async, [&] { c.Stop(); });
  ASSERT_TRUE(WaitFor([&] { return c.queue().ShuttingDown(); }));
  release.set_value();
  ASSERT_EQ(stopped.wait_for(20s), std::future_status::ready);
  EXPECT_TRUE(finished);
  EXPECT_EQ(rec.calls(), 1) << "the queued key is dropped";
  c.Enqueue(web_);
  EXPECT_EQ(c.queue().Len(), 0u);
  EXPECT_EQ(c.Start().code(), Code::kInternal);
}

TEST_F(ControllerTest, MalformedKeysAreDropped) {
  ScriptedReconciler rec({Ok()});
  Controller c(Opts(), rec);
  ASSERT_TRUE(c.Start().ok());
  c.queue().Add("not-a-ref");
  c.Enqueue(web_);
  ASSERT_TRUE(WaitFor([&] { return rec.calls() == 1; }));
  ASSERT_TRUE(Settled(c, 0));
  EXPECT_EQ(rec.seen(), std::vector<std::string>{"Stack/default/web"});
}

}  // namespace
}  // namespace berth::runtime
