// LeaderElector: a leader lock held in the Store (not the registry), so that
// of several `berth serve` on one store only one reconciles.
//
// The lock is one key (default "/leases/berth-controllers") holding a Lease
// (lease.h). A candidate reads it every `retry_period` and takes it with
// Create when missing, or with an Update CAS (expected revision = the one it
// read) when it is expired by the injected clock (no holder, or
// renewTime + leaseDurationSeconds < now). The leader renews every
// `renew_interval` with an Update CAS on the revision it last wrote.
//
// Losing: a CAS conflict that shows another holder ends leadership at once; a
// leader that has not renewed for `renew_deadline` (store down, or a write
// stuck in the database) ends it as well, from a watchdog thread, even while a
// store call is still blocked. Leadership is one-shot: once lost, the elector
// does not campaign again. The Manager stops its controllers and returns from
// Wait(); `berth serve` then builds a fresh Manager (and elector) that
// campaigns again, with the same identity, while its API keeps serving.
//
// Defaults: lease 8 s, renew every 2 s, renew deadline 5 s, candidates retry
// every 1 s. A leader that dies is replaced within lease + retry = 9 s of its
// last renewal (~7-9 s after the crash). The 3 s between renew deadline and
// lease expiry absorb clock skew between hosts sharing a PostgreSQL store and
// a slow final write; keep host clocks NTP-synced well within that.
//
// Stop(release=true) on clean shutdown writes the lease back with no holder,
// so another process (or a restart) takes over at its next retry.
//
// Time: every wait is on the injected Clock through a Sleeper; with a
// FakeClock tests call Advance() then Tick(). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "operator/common/clock.h"
#include "operator/common/status.h"
#include "operator/runtime/lease.h"
#include "operator/runtime/sleeper.h"
#include "operator/store/store.h"

namespace berth::runtime {

struct LeaderElectionOptions {
  std::string key = "/leases/berth-controllers";
  std::string identity;  // "<hostname>_<pid>_<random>" when empty
  std::chrono::seconds lease_duration{8};
  std::chrono::milliseconds renew_interval{2000};
  std::chrono::milliseconds renew_deadline{5000};
  std::chrono::milliseconds retry_period{1000};
  Clock* clock = nullptr;  // RealClock() when null
  // Called once each, on an elector thread; they must return quickly (signal,
  // don't work) and must not call Stop(). on_stopped_leading follows
  // on_started_leading exactly once: on loss or on Stop().
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
};

class LeaderElector {
 public:
  enum class State { kIdle, kCandidate, kLeading, kLost, kStopped };

  // `store` must outlive the elector.
  LeaderElector(store::Store& store, LeaderElectionOptions opts);
  ~LeaderElector();  // Stop(true)
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Starts campaigning. Invalid when the durations are inconsistent
  // (need renew_interval < renew_deadline < lease_duration); Internal when
  // started twice.
  Status Start();
  // Stops campaigning or leading (calling on_stopped_leading if leading) and,
  // with `release`, gives the lease up if this process still holds it. A test
  // passes release=false to simulate a crash. Idempotent.
  void Stop(bool release = true);

  // Leading and renewed within the renew deadline.
  bool IsLeader() const;
  State state() const;
  const std::string& identity() const { return opts_.identity; }
  // Wakes the elector's timers to re-read the clock (after a FakeClock moved).
  void Tick() { sleeper_.Tick(); }

 private:
  enum class Renewal { kRenewed, kTransient, kLost };
  void Loop();
  void Watchdog();
  bool TryAcquire();
  Renewal TryRenew();
  void BecomeLeader(Clock::SteadyTime acquired);
  void Lose(const std::string& reason);
  void DeliverStopped();
  void Release();

  store::Store& store_;
  LeaderElectionOptions opts_;
  Clock& clock_;
  Sleeper sleeper_;

  mutable std::mutex mu_;  // guards the fields below
  State state_ = State::kIdle;
  Clock::SteadyTime last_renew_{};
  int64_t held_revision_ = 0;  // revision of this process's last lease write; 0: none
  Lease current_;              // what this process last wrote
  std::string observed_holder_;

  std::mutex cb_mu_;  // serializes the callbacks
  bool started_delivered_ = false;
  bool stopped_delivered_ = false;

  std::thread loop_;
  std::thread watchdog_;
};

// "<hostname>_<pid>_<8 hex>".
std::string DefaultIdentity();

}  // namespace berth::runtime
