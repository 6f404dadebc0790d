#include "operator/runtime/workqueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <thread>
#include <vector>

#include "test/mocks/fake_clock.h"
#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using berth::testing::FakeClock;
using testing::WaitFor;

WorkQueueOptions Opts(FakeClock* clock, double random = 0.0) {
  WorkQueueOptions o;
  o.name = "test";
  o.clock = clock;
  o.random = [random] { return random; };
  return o;
}

// Takes the next key, which must be ready now, and marks it done.
std::string Take(WorkQueue& q) {
  EXPECT_GT(q.Len(), 0u);
  auto key = q.Get();
  if (!key) return "<shutdown>";
  q.Done(*key);
  return *key;
}

TEST(WorkQueueTest, DeduplicatesQueuedKeys) {
  FakeClock clock;
  WorkQueue q(Opts(&clock));
  q.Add("Stack/default/a");
  q.Add("Stack/default/b");
  q.Add("Stack/default/a");
  EXPECT_EQ(q.Len(), 2u);
  EXPECT_EQ(Take(q), "Stack/default/a");
  EXPECT_EQ(Take(q), "Stack/default/b");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, ReAddWhileProcessingRunsAgainAfterDone) {
  FakeClock clock;
  WorkQueue q(Opts(&clock));
  q.Add("a");
  auto key = q.Get();
  ASSERT_EQ(key, "a");
  q.Add("a");
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u) << "a key being processed is not handed out again";
  EXPECT_EQ(q.Processing(), 1u);
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u) << "re-added once, processed once more";
  EXPECT_EQ(Take(q), "a");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.Processing(), 0u);
}

TEST(WorkQueueTest, DoneOfAnUnknownKeyIsIgnored) {
  FakeClock clock;
  WorkQueue q(Opts(&clock));
  q.Done("never-taken");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, NeverProcessesAKeyConcurrently) {
  WorkQueue q(WorkQueueOptions{});
  constexpr int kKeys = 5;
  std::map<std::string, std::atomic<int>> in_flight;
  std::map<std::string, std::atomic<int>> processed;
  for (int i = 0; i < kKeys; ++i) {
    in_flight["k" + std::to_string(i)] = 0;
    processed["k" + std::to_string(i)] = 0;
  }
  std::atomic<bool> overlap{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.Get()) {
        if (++in_flight.at(*key) > 1) overlap = true;
        std::this_thread::yield();
        --in_flight.at(*key);
        ++processed.at(*key);
        q.Done(*key);
      }
    });
  }
  for (int round = 0; round < 2000; ++round) {
    for (int i = 0; i < kKeys; ++i) q.Add("k" + std::to_string(i));
  }
  EXPECT_TRUE(WaitFor([&] { return q.Len() == 0 && q.Processing() == 0; }));
  q.ShutDown();
  for (auto& t : workers) t.join();
  EXPECT_FALSE(overlap);
  for (auto& [key, n] : processed) {
    EXPECT_GE(n.load(), 1) << key;
    EXPECT_LE(n.load(), 2000) << key;
  }
}

TEST(WorkQueueTest, AddAfterReleasesKeysInReadyTimeOrder) {
  FakeClock clock;
  WorkQueue q(Opts(&clock));
  q.AddAfter("c", 3s);
  q.AddAfter("a", 1s);
  q.AddAfter("b", 2s);
  q.AddAfter("a2", 1s);
  q.AddAfter("now", 0s);
  EXPECT_EQ(q.Waiting(), 4u);
  EXPECT_EQ(Take(q), "now");
  EXPECT_EQ(q.Len(), 0u);
  clock.Advance(999ms);
  EXPECT_EQ(q.Len(), 0u);
  clock.Advance(1ms);
  EXPECT_EQ(q.Len(), 2u);
  EXPECT_EQ(Take(q), "a");
  EXPECT_EQ(Take(q), "a2") << "ties come out in call order";
  clock.Advance(1s);
  EXPECT_EQ(Take(q), "b");
  clock.Advance(1s);
  EXPECT_EQ(Take(q), "c");
  EXPECT_EQ(q.Waiting(), 0u);
}

TEST(WorkQueueTest, AddAfterKeepsTheEarlierReadyTime) {
  FakeClock clock;
  WorkQueue q(Opts(&clock));
  q.AddAfter("a", 5s);
  q.AddAfter("a", 1s);
  q.AddAfter("a", 10s);
  EXPECT_EQ(q.Waiting(), 1u);
  clock.Advance(1s);
  EXPECT_EQ(Take(q), "a");
  EXPECT_EQ(q.Waiting(), 0u);
}

TEST(WorkQueueTest, GetWaitsForADelayedKeyAndTickWakesIt) {
  FakeClock clock;
  WorkQueue q(Opts(&clock));
  auto got = std::async(std::launch::async, [&] { return q.Get(); });
  q.AddAfter("later", 5s);
  EXPECT_EQ(got.wait_for(20ms), std::future_status::timeout);
  clock.Advance(5s);
  q.Tick();
  ASSERT_EQ(got.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(got.get(), "later");
}

TEST(WorkQueueTest, AddWakesABlockedGet) {
  WorkQueue q(WorkQueueOptions{});
  auto got = std::async(std::launch::async, [&] { return q.Get(); });
  q.Add("x");
  ASSERT_EQ(got.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(got.get(), "x");
}

// With jitter disabled (random = 0), the n-th retry waits exactly
// min(60 s, 200 ms * 2^n).
TEST(WorkQueueTest, BackoffDoublesUpToTheCap) {
  FakeClock clock;
  WorkQueue q(Opts(&clock, 0.0));
  for (int n = 0; n < 14; ++n) {
    auto expected = std::min<std::chrono::nanoseconds>(60s, 200ms * (1LL << n));
    q.AddRateLimited("k");
    EXPECT_EQ(q.NumRequeues("k"), n + 1);
    clock.Advance(expected - 1ms);
    EXPECT_EQ(q.Len(), 0u) << "retry " << n << " released early";
    clock.Advance(1ms);
    EXPECT_EQ(q.Len(), 1u) << "retry " << n << " not released at " << expected.count() << "ns";
    Take(q);
  }
}

// Jitter shortens a delay by up to 20 %: with the largest sample the delay
// lies in [0.8, 1] of nominal, also at the cap.
TEST(WorkQueueTest, BackoffJitterStaysWithinBounds) {
  FakeClock clock;
  WorkQueue q(Opts(&clock, 0.999999));
  for (int n = 0; n < 12; ++n) {
    auto nominal = std::min<std::chrono::nanoseconds>(60s, 200ms * (1LL << n));
    q.AddRateLimited("k");
    auto lower = nominal * 8 / 10;
    clock.Advance(lower - 1ms);
    EXPECT_EQ(q.Len(), 0u) << "retry " << n << " below the jitter bound";
    clock.Advance(nominal - lower + 1ms);
    EXPECT_EQ(q.Len(), 1u) << "retry " << n << " later than nominal";
    Take(q);
  }
}

TEST(WorkQueueTest, ForgetResetsBackoff) {
  FakeClock clock;
  WorkQueue q(Opts(&clock, 0.0));
  for (int n = 0; n < 5; ++n) {
    q.AddRateLimited("k");
    clock.Advance(60s);
    Take(q);
  }
  EXPECT_EQ(q.NumRequeues("k"), 5);
  q.Forget("k");
  EXPECT_EQ(q.NumRequeues("k"), 0);
  q.AddRateLimited("k");
  clock.Advance(200ms);
  EXPECT_EQ(q.Len(), 1u) << "back to the base delay";
}

TEST(WorkQueueTest, BackoffIsPerKey) {
  FakeClock clock;
  WorkQueue q(Opts(&clock, 0.0));
  q.AddRateLimited("a");
  clock.Advance(200ms);
  Take(q);
  q.AddRateLimited("a");  // second failure of a: 400 ms
  q.AddRateLimited("b");  // first failure of b: 200 ms
  clock.Advance(200ms);
  EXPECT_EQ(Take(q), "b");
  EXPECT_EQ(q.Len(), 0u);
  clock.Advance(200ms);
  EXPECT_EQ(Take(q), "a");
}

TEST(WorkQueueTest, TokenBucketPacesRetriesAfterTheBurst) {
  FakeClock clock;
  WorkQueueOptions o = Opts(&clock, 0.0);
  o.backoff.base = 0ns;  // only the bucket delays
  o.qps = 10;
  o.burst = 2;
  WorkQueue q(o);
  q.AddRateLimited("a");
  q.AddRateLimited("b");
  q.AddRateLimited("c");  // 100 ms after the burst
  q.AddRateLimited("d");  // 200 ms
  EXPECT_EQ(q.Len(), 2u);
  clock.Advance(99ms);
  EXPECT_EQ(q.Len(), 2u);
  clock.Advance(1ms);
  EXPECT_EQ(q.Len(), 3u);
  clock.Advance(100ms);
  EXPECT_EQ(q.Len(), 4u);
}

TEST(WorkQueueTest, TokenBucketDoesNotDelayPlainAdds) {
  FakeClock clock;
  WorkQueueOptions o = Opts(&clock);
  o.qps = 1;
  o.burst = 1;
  WorkQueue q(o);
  for (int i = 0; i < 10; ++i) q.Add("k" + std::to_string(i));
  EXPECT_EQ(q.Len(), 10u);
}

TEST(WorkQueueTest, ShutDownLetsInFlightKeysFinishAndDropsTheRest) {
  WorkQueue q(WorkQueueOptions{});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  testing::Log done;
  std::vector<std::thread> workers;
  for (int i = 0; i < 2; ++i) {
    workers.emplace_back([&] {
      while (auto key = q.Get()) {
        released.wait();
        done.Add(*key);
        q.Done(*key);
      }
    });
  }
  q.Add("a");
  q.Add("b");
  ASSERT_TRUE(WaitFor([&] { return q.Processing() == 2; }));
  q.Add("c");
  q.AddAfter("d", 1ms);
  q.ShutDown();
  EXPECT_TRUE(q.ShuttingDown());
  EXPECT_EQ(q.Get(), std::nullopt) << "no key is handed out after ShutDown";
  q.Add("e");
  EXPECT_EQ(q.Len(), 0u) << "adds after ShutDown are ignored";
  EXPECT_FALSE(q.WaitForIdle(0ms));
  release.set_value();
  EXPECT_TRUE(q.WaitForIdle(20s)) << "in-flight keys finish";
  for (auto& t : workers) t.join();
  auto lines = done.Lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
}

TEST(WorkQueueTest, ShutDownWakesBlockedGets) {
  WorkQueue q(WorkQueueOptions{});
  auto a = std::async(std::launch::async, [&] { return q.Get(); });
  auto b = std::async(std::launch::async, [&] { return q.Get(); });
  q.ShutDown();
  ASSERT_EQ(a.wait_for(20s), std::future_status::ready);
  ASSERT_EQ(b.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(a.get(), std::nullopt);
  EXPECT_EQ(b.get(), std::nullopt);
}

TEST(WorkQueueTest, ReportsMetrics) {
  FakeClock clock;
  Metrics metrics;
  WorkQueueOptions o = Opts(&clock);
  o.metrics = &metrics;
  WorkQueue q(o);
  q.Add("a");
  q.Add("b");
  q.Add("a");
  q.AddRateLimited("c");
  EXPECT_EQ(metrics.GetGauge("berth_workqueue_depth", "", {{"name", "test"}}).Value(), 2);
  EXPECT_EQ(metrics.GetCounter("berth_workqueue_adds_total", "", {{"name", "test"}}).Value(), 2);
  EXPECT_EQ(metrics.GetCounter("berth_workqueue_retries_total", "", {{"name", "test"}}).Value(), 1);
  Take(q);
  EXPECT_EQ(metrics.GetGauge("berth_workqueue_depth", "", {{"name", "test"}}).Value(), 1);
}

}  // namespace
}  // namespace berth::runtime
