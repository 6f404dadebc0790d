#include "operator/runtime/sleeper.h"

#include <algorithm>

namespace berth::runtime {

bool Sleeper::SleepUntil(Clock::SteadyTime deadline) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (cancelled_) return false;
    auto remaining = deadline - clock_.Steady();
    if (remaining <= Clock::SteadyTime::duration::zero()) return true;
    cv_.wait_for(lock, std::min<std::chrono::nanoseconds>(remaining, max_slice_));
  }
}

bool Sleeper::SleepFor(std::chrono::nanoseconds d) {
  return SleepUntil(clock_.Steady() + std::chrono::duration_cast<Clock::SteadyTime::duration>(d));
}

void Sleeper::Tick() {
  std::lock_guard lock(mu_);
  cv_.notify_all();
}

void Sleeper::Cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  cv_.notify_all();
}

bool Sleeper::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

}  // namespace berth::runtime
