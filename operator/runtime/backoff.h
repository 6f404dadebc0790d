// Retry pacing shared by the work queue, the informer and the leader lock:
// per-item exponential backoff with jitter, and a token bucket.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "operator/common/clock.h"

namespace berth::runtime {

struct BackoffOptions {
  std::chrono::nanoseconds base = std::chrono::milliseconds(200);
  std::chrono::nanoseconds cap = std::chrono::seconds(60);
  // Fraction of the delay removed at random: the delay for a failure lies in
  // [nominal * (1 - jitter), nominal]. 0 disables jitter; clamped to [0, 1].
  double jitter = 0.2;
};

// The delay before retry number `failures` + 1 (failures >= 0 counts the
// consecutive failures so far): nominal = min(cap, base * 2^failures), minus
// up to `jitter` of it. `uniform` is a sample in [0, 1). Pure function.
std::chrono::nanoseconds BackoffDelay(const BackoffOptions& opts, int failures, double uniform);

// A process-wide uniform [0, 1) source; thread-safe.
double RandomUnit();

// Token bucket: `burst` tokens, refilled at `qps` per second of the clock's
// steady time. Reserve() always takes a token (the balance may go negative)
// and says how long the caller must wait before acting on it, so reservations
// are spaced 1/qps apart once the burst is spent. qps <= 0 means unlimited.
// Thread-safe.
class TokenBucket {
 public:
  TokenBucket(double qps, int burst, Clock& clock);
  std::chrono::nanoseconds Reserve();

 private:
  const double qps_;
  const double burst_;
  Clock& clock_;
  std::mutex mu_;
  double tokens_;
  Clock::SteadyTime last_;
};

}  // namespace berth::runtime
