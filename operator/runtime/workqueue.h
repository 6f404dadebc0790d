// WorkQueue: the queue of object keys ("Stack/default/web") a controller's
// workers pull from, with client-go's guarantees:
//
// - Deduplication: a key added any number of times before a worker takes it
//   is handed out once.
// - No concurrency per key: a key is never handed to two workers at once. A
//   key added while it is being processed is handed out again after Done().
// - AddAfter(key, d): the key becomes ready d later (by the injected Clock);
//   delayed keys come out in order of their ready time, ties in call order.
//   A key already waiting keeps the earlier of its two ready times.
// - AddRateLimited(key): AddAfter with max(per-key exponential backoff with
//   jitter, the global token bucket's delay). Forget(key) resets the key's
//   backoff (after a success). The token bucket paces only these retries, as
//   in client-go: fresh events (Add) are never delayed.
// - ShutDown(): stops at once. Get() returns nullopt from then on, even for
//   keys still queued; Add* are ignored. Keys a worker is already processing
//   finish normally (their Done() still counts); WaitForIdle() waits for them.
//   Dropping queued keys is deliberate: reconcile is level-triggered, and the
//   next process to lead re-lists everything, so nothing is lost, while a
//   process that lost leadership stops reconciling promptly.
//
// Time: ready times are computed from the injected Clock. A Get() waiting for
// a delayed key sleeps on a condition variable for the clock's remaining time.
// With a FakeClock that does not advance by itself, tests call Advance() and
// then Tick(), which wakes waiters to re-read the clock; no real-time polling
// is involved, so tests are deterministic. With the real clock Tick() is never
// needed.
//
// Thread-safe. Default pacing: backoff 200 ms doubling to a 60 s cap, 20 %
// jitter; token bucket 50 qps, burst 100.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "operator/common/clock.h"
#include "operator/runtime/backoff.h"
#include "operator/runtime/metrics.h"

namespace berth::runtime {

struct WorkQueueOptions {
  // Label of the queue's metrics (berth_workqueue_*{name=...}); usually the
  // controller's name.
  std::string name;
  Clock* clock = nullptr;      // RealClock() when null
  Metrics* metrics = nullptr;  // no metrics when null
  BackoffOptions backoff;      // per-key: 200 ms .. 60 s, 20 % jitter
  double qps = 50;             // token bucket for AddRateLimited; <= 0: unlimited
  int burst = 100;
  // Jitter source, uniform in [0, 1); RandomUnit() when empty.
  std::function<double()> random;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions opts = {});
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `key` unless it is already queued. Ignored after ShutDown().
  void Add(const std::string& key);
  // Queues `key` once `delay` has passed on the clock (<= 0: now).
  void AddAfter(const std::string& key, std::chrono::nanoseconds delay);
  // Queues `key` after its backoff (and the token bucket's delay); every call
  // doubles the key's next backoff until Forget(key).
  void AddRateLimited(const std::string& key);
  // Resets `key`'s backoff. Does not dequeue it.
  void Forget(const std::string& key);
  // How many times AddRateLimited was called for `key` since its last Forget.
  int NumRequeues(const std::string& key) const;

  // Blocks until a key is ready and returns it (the caller must call
  // Done(key) when finished), or returns nullopt once ShutDown() was called.
  std::optional<std::string> Get();
  // Marks `key` as processed; re-queues it if it was added meanwhile.
  void Done(const std::string& key);

  // Keys ready to be handed out (not counting delayed or in-process keys);
  // first moves delayed keys whose time has come to the ready queue.
  size_t Len();
  // Keys waiting for their AddAfter / AddRateLimited time.
  size_t Waiting() const;
  // Keys handed out and not yet Done.
  size_t Processing() const;

  // Wakes every Get() to re-read the clock (after a FakeClock moved).
  void Tick();
  void ShutDown();
  bool ShuttingDown() const;
  // Waits (real time, at most `timeout`) until no key is being processed.
  bool WaitForIdle(std::chrono::milliseconds timeout);

 private:
  void AddLocked(const std::string& key);
  void AddAfterLocked(const std::string& key, std::chrono::nanoseconds delay);
  void PromoteLocked(Clock::SteadyTime now);
  void UpdateDepthLocked();

  WorkQueueOptions opts_;
  Clock& clock_;
  TokenBucket bucket_;
  Gauge* depth_ = nullptr;
  Counter* adds_ = nullptr;
  Counter* retries_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;  // a key became ready, Tick, or shutdown
  std::condition_variable idle_cv_;   // processing_ became empty
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;       // queued, or re-added while processing
  std::unordered_set<std::string> processing_;  // handed out, not yet Done
  std::unordered_map<std::string, int> failures_;
  // Delayed keys ordered by (ready time, sequence); index by key.
  std::set<std::tuple<Clock::SteadyTime, uint64_t, std::string>> waiting_;
  std::unordered_map<std::string, std::pair<Clock::SteadyTime, uint64_t>> waiting_index_;
  uint64_t seq_ = 0;
  bool shutting_down_ = false;
};

}  // namespace berth::runtime
