// Clock: the source of time, injected so tests control it.
//
// Now() is wall time (timestamps written to objects); Steady() is monotonic
// time (timeouts, backoff, latency). Implementations are thread-safe.
#pragma once

#include <chrono>
#include <memory>

namespace berth {

class Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  using SteadyTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
  virtual SteadyTime Steady() const = 0;
};

// The process clock. RealClock() returns a process-wide instance.
class SystemClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  SteadyTime Steady() const override { return std::chrono::steady_clock::now(); }
};

Clock& RealClock();

}  // namespace berth
