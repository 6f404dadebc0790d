// Leader election against a real SQLite store file opened twice, as two
// processes would; time is a FakeClock shared by both electors.
#include "operator/runtime/leader.h"

#include <gtest/gtest.h>

#include <atomic>

#include "test/mocks/fake_clock.h"
#include "test/runtime/flaky_store.h"
#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using berth::testing::FakeClock;
using testing::WaitFor;

struct Callbacks {
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
};

class LeaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    url_ = "sqlite://" + dir_.path() + "/berth.db";
    auto a = store::Open(url_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    store_a_ = std::move(a).value();
    auto b = store::Open(url_);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    store_b_ = std::move(b).value();
  }

  std::unique_ptr<LeaderElector> Make(store::Store& s, const std::string& id, Callbacks& cb) {
    LeaderElectionOptions o;
    o.identity = id;
    o.clock = &clock_;
    o.on_started_leading = [&cb] { ++cb.started; };
    o.on_stopped_leading = [&cb] { ++cb.stopped; };
    return std::make_unique<LeaderElector>(s, o);
  }

  Lease ReadLease() {
    auto rec = store_a_->Get("/leases/berth-controllers");
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    if (!rec.ok()) return {};
    auto l = DecodeLease(rec->value);
    EXPECT_TRUE(l.ok());
    return l.ok() ? *l : Lease{};
  }

  // Moves fake time forward in 500 ms steps, waking the electors at each step
  // and, while one leads, waiting for a due renewal (every 2 s) to land in the
  // store before the next step, so fake time never outruns a live leader.
  void AdvanceBy(std::chrono::milliseconds total, std::initializer_list<LeaderElector*> electors) {
    for (auto t = 0ms; t < total; t += 500ms) {
      clock_.Advance(500ms);
      bool leading = false;
      for (auto* e : electors) {
        e->Tick();
        leading = leading || e->state() == LeaderElector::State::kLeading;
      }
      if (leading) {
        ASSERT_TRUE(WaitFor([&] {
          for (auto* e : electors) e->Tick();
          return clock_.Now() - ReadLease().renew_time < 2s;
        }));
      }
    }
  }

  testing::TempDir dir_;
  std::string url_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_a_, store_b_;
};

TEST_F(LeaderTest, OnlyOneOfTwoLeads) {
  Callbacks ca, cb;
  auto a = Make(*store_a_, "a", ca);
  auto b = Make(*store_b_, "b", cb);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a->IsLeader() && ca.started == 1; }));
  ASSERT_TRUE(b->Start().ok());
  // b reads the lease held by a and waits; many renew/retry rounds later it still waits.
  AdvanceBy(30s, {a.get(), b.get()});
  EXPECT_TRUE(a->IsLeader());
  EXPECT_FALSE(b->IsLeader());
  EXPECT_EQ(b->state(), LeaderElector::State::kCandidate);
  EXPECT_EQ(ca.started, 1);
  EXPECT_EQ(cb.started, 0);
  Lease l = ReadLease();
  EXPECT_EQ(l.holder_identity, "a");
  EXPECT_EQ(l.lease_duration_seconds, 8);
  EXPECT_LE(clock_.Now() - l.renew_time, 2500ms) << "a keeps renewing";
  b->Stop();
  a->Stop();
  EXPECT_EQ(ca.stopped, 1);
  EXPECT_EQ(cb.stopped, 0);
}

TEST_F(LeaderTest, TakesOverAfterTheLeaderDiesWithoutReleasing) {
  Callbacks ca, cb;
  auto a = Make(*store_a_, "a", ca);
  auto b = Make(*store_b_, "b", cb);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a->IsLeader() && ca.started == 1; }));
  ASSERT_TRUE(b->Start().ok());
  AdvanceBy(4s, {a.get(), b.get()});
  Lease before = ReadLease();

  a->Stop(/*release=*/false);  // a crash: renewals stop, the lease stays
  EXPECT_EQ(ReadLease().holder_identity, "a");
  // Not while the lease is valid (until renewTime + 8 s) ...
  clock_.Advance(before.renew_time + 8s - clock_.Now());
  b->Tick();
  EXPECT_FALSE(b->IsLeader());
  // ... but at b's next retry: within lease + retry period of a's last renewal.
  clock_.Advance(1s);
  b->Tick();
  ASSERT_TRUE(WaitFor([&] {
    b->Tick();
    return b->IsLeader() && cb.started == 1;
  }));
  Lease after = ReadLease();
  EXPECT_EQ(after.holder_identity, "b");
  EXPECT_EQ(after.lease_transitions, before.lease_transitions + 1);
  EXPECT_LE(clock_.Now() - before.renew_time, 9s) << "takeover within lease + retry";
  b->Stop();
}

TEST_F(LeaderTest, ReleaseOnCleanShutdownHandsOverAtOnce) {
  Callbacks ca, cb;
  auto a = Make(*store_a_, "a", ca);
  auto b = Make(*store_b_, "b", cb);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a->IsLeader() && ca.started == 1; }));
  ASSERT_TRUE(b->Start().ok());
  AdvanceBy(2s, {a.get(), b.get()});
  a->Stop(/*release=*/true);
  EXPECT_EQ(ca.stopped, 1);
  EXPECT_EQ(ReadLease().holder_identity, "");
  // b's next retry (1 s) takes it, long before the 8 s lease would expire.
  clock_.Advance(1s);
  ASSERT_TRUE(WaitFor([&] {
    b->Tick();
    return b->IsLeader();
  }));
  EXPECT_EQ(ReadLease().holder_identity, "b");
  b->Stop();
}

TEST_F(LeaderTest, StopsLeadingWhenRenewalsFailPastTheDeadline) {
  testing::FlakyStore flaky(*store_a_);
  Callbacks ca;
  auto a = Make(flaky, "a", ca);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a->IsLeader() && ca.started == 1; }));
  flaky.FailWrites(true);
  clock_.Advance(4s);
  a->Tick();
  EXPECT_EQ(a->state(), LeaderElector::State::kLeading) << "within the 5 s renew deadline";
  clock_.Advance(1001ms);
  ASSERT_TRUE(WaitFor([&] {
    a->Tick();
    return ca.stopped == 1;
  }));
  EXPECT_EQ(a->state(), LeaderElector::State::kLost);
  EXPECT_FALSE(a->IsLeader());
  a->Stop();
  EXPECT_EQ(ca.stopped, 1) << "on_stopped_leading is called once";
}

TEST_F(LeaderTest, StopsLeadingWhileAWriteIsStuck) {
  testing::FlakyStore flaky(*store_a_);
  Callbacks ca;
  auto a = Make(flaky, "a", ca);
  struct Unblock {  // destroyed before `a`, even when an assertion fails
    testing::FlakyStore& f;
    ~Unblock() { f.BlockWrites(false); }
  } unblock{flaky};
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a->IsLeader() && ca.started == 1; }));
  flaky.BlockWrites(true);
  clock_.Advance(2s);
  a->Tick();
  ASSERT_TRUE(WaitFor([&] { return flaky.blocked_writes() == 1; })) << "renewal is stuck";
  clock_.Advance(3001ms);
  ASSERT_TRUE(WaitFor([&] {
    a->Tick();
    return ca.stopped == 1;
  })) << "the watchdog ends leadership although the renew call has not returned";
  EXPECT_FALSE(a->IsLeader());
  flaky.BlockWrites(false);
  a->Stop();
}

TEST_F(LeaderTest, LosesAtOnceWhenAnotherHolderAppears) {
  Callbacks ca;
  auto a = Make(*store_a_, "a", ca);
  ASSERT_TRUE(a->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a->IsLeader() && ca.started == 1; }));
  // Someone (a process with a skewed clock, an operator) overwrites the lease.
  auto rec = store_b_->Get("/leases/berth-controllers");
  ASSERT_TRUE(rec.ok());
  Lease other{"intruder", 8, clock_.Now(), clock_.Now(), 5};
  ASSERT_TRUE(store_b_->Update(rec->key, EncodeLease(other), rec->mod_revision).ok());
  clock_.Advance(2s);
  ASSERT_TRUE(WaitFor([&] {
    a->Tick();
    return ca.stopped == 1;
  }));
  EXPECT_EQ(a->state(), LeaderElector::State::kLost);
  a->Stop(/*release=*/true);
  EXPECT_EQ(ReadLease().holder_identity, "intruder") << "release never clobbers another holder";
}

TEST_F(LeaderTest, RejectsInconsistentDurations) {
  LeaderElectionOptions o;
  o.clock = &clock_;
  o.renew_deadline = 9s;  // >= lease duration
  LeaderElector e(*store_a_, o);
  EXPECT_EQ(e.Start().code(), Code::kInvalid);
}

TEST_F(LeaderTest, DefaultIdentityIsUnique) {
  EXPECT_NE(DefaultIdentity(), DefaultIdentity());
}

}  // namespace
}  // namespace berth::runtime
