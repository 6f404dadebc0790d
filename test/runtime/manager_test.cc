#include "operator/runtime/manager.h"

#include <gtest/gtest.h>

#include <future>

#include "test/mocks/fake_clock.h"
#include "test/runtime/fake_lister_watcher.h"
#include "test/runtime/flaky_store.h"
#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using berth::testing::FakeClock;
using testing::FakeListerWatcher;
using testing::ListOf;
using testing::WaitFor;
using testing::Widget;

class RecordingReconciler : public Reconciler {
 public:
  explicit RecordingReconciler(testing::Log& log) : log_(log) {}
  Result<ReconcileResult> Reconcile(const Request& r) override {
    log_.Add(r.ref.ToString());
    return ReconcileResult{};
  }

 private:
  testing::Log& log_;
};

class FakeRunnable : public Runnable {
 public:
  explicit FakeRunnable(testing::Log& log) : log_(log) {}
  std::string name() const override { return "fake"; }
  Status Start() override {
    log_.Add("runnable start");
    return Status::Ok();
  }
  void Stop() override { log_.Add("runnable stop"); }

 private:
  testing::Log& log_;
};

// One process's worth of components: a Widget informer feeding a controller.
struct Process {
  explicit Process(ManagerOptions opts) : manager(std::move(opts)) {
    lw->AddList(ListOf({Widget("default", "a", "3"), Widget("default", "b", "4")}, "5"));
    InformerOptions io;
    io.kind = "Widget";
    io.check_interval = 5ms;
    Informer& inf = manager.AddInformer(
        std::make_unique<Informer>(std::make_unique<FakeListerWatcher>(lw), io));
    ControllerOptions co;
    co.name = "widget";
    co.metrics = &metrics;
    Controller& c = manager.AddController(co, std::make_unique<RecordingReconciler>(reconciled));
    inf.AddHandler(EnqueueSelf(c));
    controller = &c;
    manager.AddRunnable(std::make_unique<FakeRunnable>(events));
  }

  Metrics metrics;
  testing::Log reconciled;
  testing::Log events;
  std::shared_ptr<FakeListerWatcher::State> lw = std::make_shared<FakeListerWatcher::State>();
  Manager manager;
  Controller* controller = nullptr;
};

TEST(ManagerTest, StartsEverythingAndStopsCleanly) {
  Process p(ManagerOptions{});
  ASSERT_TRUE(p.manager.Start().ok());
  EXPECT_TRUE(p.manager.IsLeader());
  EXPECT_EQ(p.events.Lines(), std::vector<std::string>{"runnable start"});
  ASSERT_TRUE(WaitFor([&] { return p.reconciled.Size() == 2; }));
  EXPECT_TRUE(p.reconciled.Contains("Widget/default/a"));
  EXPECT_TRUE(p.reconciled.Contains("Widget/default/b"));
  auto waited = std::async(std::launch::async, [&] { return p.manager.Wait(); });
  p.manager.Stop();
  ASSERT_EQ(waited.wait_for(20s), std::future_status::ready);
  EXPECT_TRUE(waited.get().ok());
  EXPECT_TRUE(p.controller->queue().ShuttingDown());
  EXPECT_EQ(p.events.Lines(), (std::vector<std::string>{"runnable start", "runnable stop"}));
  EXPECT_FALSE(p.manager.IsLeader());
  p.manager.Stop();  // idempotent
}

TEST(ManagerTest, CacheSyncTimeout) {
  ManagerOptions o;
  o.cache_sync_timeout = 50ms;
  Manager m(o);
  auto lw = std::make_shared<FakeListerWatcher::State>();  // lists fail: never syncs
  InformerOptions io;
  io.kind = "Widget";
  io.backoff = {1ms, 5ms, 0};
  m.AddInformer(std::make_unique<Informer>(std::make_unique<FakeListerWatcher>(lw), io));
  EXPECT_EQ(m.Start().code(), Code::kTimeout);
  m.Stop();
}

class ManagerElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::string url = "sqlite://" + dir_.path() + "/berth.db";
    for (auto* s : {&store_a_, &store_b_}) {
      auto opened = store::Open(url);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      *s = std::move(opened).value();
    }
  }
  ManagerOptions Opts(store::Store& s, const std::string& id, Clock* clock = nullptr) {
    ManagerOptions o;
    o.leader_election_store = &s;
    o.leader_election.identity = id;
    o.leader_election.clock = clock;
    return o;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_a_, store_b_;
};

TEST_F(ManagerElectionTest, SecondManagerStaysPassiveUntilTheFirstStops) {
  Process a(Opts(*store_a_, "a"));
  Process b(Opts(*store_b_, "b"));
  ASSERT_TRUE(a.manager.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a.reconciled.Size() == 2; }));
  auto b_started = std::async(std::launch::async, [&] { return b.manager.Start(); });
  ASSERT_TRUE(WaitFor([&] {
    auto* e = b.manager.elector();
    return e && e->state() == LeaderElector::State::kCandidate;
  }));
  EXPECT_EQ(b_started.wait_for(50ms), std::future_status::timeout) << "b waits for the lease";
  EXPECT_EQ(b.lw->ListCalls(), 0) << "a passive process does not even watch";
  EXPECT_EQ(b.reconciled.Size(), 0u);
  EXPECT_FALSE(b.manager.IsLeader());

  a.manager.Stop();  // releases the lease
  ASSERT_EQ(b_started.wait_for(20s), std::future_status::ready) << "takeover at b's next retry";
  ASSERT_TRUE(b_started.get().ok());
  EXPECT_TRUE(b.manager.IsLeader());
  ASSERT_TRUE(WaitFor([&] { return b.reconciled.Size() == 2; }));
  b.manager.Stop();
}

TEST_F(ManagerElectionTest, StopWhileWaitingForTheLeaseCancelsStart) {
  Process a(Opts(*store_a_, "a"));
  Process b(Opts(*store_b_, "b"));
  ASSERT_TRUE(a.manager.Start().ok());
  auto b_started = std::async(std::launch::async, [&] { return b.manager.Start(); });
  ASSERT_TRUE(WaitFor([&] { return b.manager.elector() != nullptr; }));
  b.manager.Stop();
  ASSERT_EQ(b_started.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(b_started.get().code(), Code::kCancelled);
  EXPECT_TRUE(b.manager.Wait().ok());
  EXPECT_TRUE(a.manager.IsLeader()) << "b never disturbed a";
  a.manager.Stop();
}

TEST_F(ManagerElectionTest, LosingTheLeaseStopsEveryController) {
  FakeClock clock;
  testing::FlakyStore flaky(*store_a_);
  Process a(Opts(flaky, "a", &clock));
  ASSERT_TRUE(a.manager.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a.reconciled.Size() == 2; }));
  flaky.FailWrites(true);  // the database goes away for this process
  clock.Advance(5001ms);   // past the renew deadline
  auto waited = std::async(std::launch::async, [&] { return a.manager.Wait(); });
  ASSERT_TRUE(WaitFor([&] {
    a.manager.elector()->Tick();
    return waited.wait_for(0ms) == std::future_status::ready;
  }));
  Status s = waited.get();
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_TRUE(a.controller->queue().ShuttingDown()) << "no reconcile after losing the lease";
  EXPECT_FALSE(a.manager.IsLeader());
  EXPECT_TRUE(a.events.Contains("runnable stop"));
  a.controller->Enqueue({"Widget", "default", "a"});
  EXPECT_EQ(a.controller->queue().Len(), 0u);
  flaky.FailWrites(false);
  a.manager.Stop();
}

}  // namespace
}  // namespace berth::runtime
