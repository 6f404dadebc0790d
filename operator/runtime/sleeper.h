// Sleeper: waits until a time on the injected Clock, or until cancelled.
//
// The wait is a condition-variable wait for the clock's remaining time (at
// most `max_slice` of real time at once, after which the clock is re-read). A
// FakeClock does not move by itself, so a test calls Advance() then Tick(),
// which wakes every sleeper to re-read the clock (the same scheme as
// WorkQueue::Tick). Cancel() ends every current and future sleep. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "operator/common/clock.h"

namespace berth::runtime {

class Sleeper {
 public:
  explicit Sleeper(Clock& clock, std::chrono::nanoseconds max_slice = std::chrono::hours(24 * 365))
      : clock_(clock), max_slice_(max_slice) {}

  // True when the clock reached `deadline`; false when cancelled.
  bool SleepUntil(Clock::SteadyTime deadline);
  bool SleepFor(std::chrono::nanoseconds d);
  // Wakes sleepers to re-read the clock.
  void Tick();
  // Wakes sleepers for good: SleepUntil returns false from now on.
  void Cancel();
  bool cancelled() const;

 private:
  Clock& clock_;
  const std::chrono::nanoseconds max_slice_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

}  // namespace berth::runtime
