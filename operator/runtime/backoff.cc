#include "operator/runtime/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace berth::runtime {

std::chrono::nanoseconds BackoffDelay(const BackoffOptions& opts, int failures, double uniform) {
  using std::chrono::nanoseconds;
  const double cap = static_cast<double>(std::max(opts.cap, nanoseconds(0)).count());
  const double base = static_cast<double>(std::max(opts.base, nanoseconds(0)).count());
  // 2^failures overflows nothing in double; clamp the exponent to keep it finite.
  double nominal = std::min(cap, base * std::ldexp(1.0, std::clamp(failures, 0, 1000)));
  double jitter = std::clamp(opts.jitter, 0.0, 1.0);
  double u = std::clamp(uniform, 0.0, 1.0);
  return nanoseconds(static_cast<int64_t>(nominal * (1.0 - jitter * u)));
}

double RandomUnit() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

TokenBucket::TokenBucket(double qps, int burst, Clock& clock)
    : qps_(qps),
      burst_(std::max(1, burst)),
      clock_(clock),
      tokens_(burst_),
      last_(clock.Steady()) {}

std::chrono::nanoseconds TokenBucket::Reserve() {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  std::lock_guard lock(mu_);
  Clock::SteadyTime now = clock_.Steady();
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<int64_t>(-tokens_ / qps_ * 1e9));
}

}  // namespace berth::runtime
