// FakeClock: a Clock that moves only when a test advances it. Thread-safe.
#pragma once

#include <mutex>

#include "operator/common/clock.h"

namespace berth::testing {

class FakeClock final : public Clock {
 public:
  FakeClock() : wall_(std::chrono::system_clock::from_time_t(1'800'000'000)) {}

  WallTime Now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  SteadyTime Steady() const override {
    std::lock_guard lock(mu_);
    return steady_;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mu_);
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    steady_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
  }

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  SteadyTime steady_{};
};

}  // namespace berth::testing
