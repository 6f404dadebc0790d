#include "operator/runtime/leader.h"

#include <unistd.h>

#include "operator/common/log.h"
#include "operator/common/strings.h"

namespace berth::runtime {

std::string DefaultIdentity() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string h = host[0] ? host : "unknown";
  return h + "_" + std::to_string(getpid()) + "_" + RandomHex(4);
}

LeaderElector::LeaderElector(store::Store& store, LeaderElectionOptions opts)
    : store_(store),
      opts_(std::move(opts)),
      clock_(opts_.clock ? *opts_.clock : RealClock()),
      sleeper_(clock_) {
  if (opts_.identity.empty()) opts_.identity = DefaultIdentity();
}

LeaderElector::~LeaderElector() {
  Stop(true);
}

Status LeaderElector::Start() {
  if (!(opts_.renew_interval < opts_.renew_deadline &&
        opts_.renew_deadline < std::chrono::milliseconds(opts_.lease_duration))) {
    return Status::Invalid(
        "leader election: need renew_interval < renew_deadline < lease_duration");
  }
  std::lock_guard lock(mu_);
  if (state_ != State::kIdle) return Status::Internal("leader election: already started");
  state_ = State::kCandidate;
  spdlog::info("leader election: {} campaigning for {}", opts_.identity, opts_.key);
  loop_ = std::thread([this] { Loop(); });
  watchdog_ = std::thread([this] { Watchdog(); });
  return Status::Ok();
}

void LeaderElector::Stop(bool release) {
  sleeper_.Cancel();
  bool was_leading;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kStopped) return;
    was_leading = state_ == State::kLeading;
    state_ = State::kStopped;
  }
  if (loop_.joinable()) loop_.join();
  if (watchdog_.joinable()) watchdog_.join();
  if (was_leading) {
    spdlog::info("leader election: {} stops leading (shutdown)", opts_.identity);
    DeliverStopped();
  }
  if (release) Release();
}

bool LeaderElector::IsLeader() const {
  std::lock_guard lock(mu_);
  return state_ == State::kLeading && clock_.Steady() - last_renew_ <= opts_.renew_deadline;
}

LeaderElector::State LeaderElector::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void LeaderElector::Loop() {
  // Times are taken before each store write: the lease's renewTime is read
  // then too, so the local deadline never outlasts the one others see.
  Clock::SteadyTime next_renew{};
  while (!sleeper_.cancelled()) {
    State s = state();
    Clock::SteadyTime attempt = clock_.Steady();
    if (s == State::kCandidate) {
      if (TryAcquire()) {
        BecomeLeader(attempt);
        next_renew = attempt + opts_.renew_interval;
        continue;
      }
      sleeper_.SleepUntil(attempt + opts_.retry_period);
    } else if (s == State::kLeading) {
      if (!sleeper_.SleepUntil(next_renew) || state() != State::kLeading) break;
      attempt = clock_.Steady();
      Renewal r = TryRenew();
      if (r == Renewal::kRenewed) {
        std::lock_guard lock(mu_);
        if (state_ == State::kLeading) last_renew_ = attempt;
        next_renew = attempt + opts_.renew_interval;
      } else if (r == Renewal::kLost) {
        Lose("another process holds the lease");
        break;
      } else {
        next_renew = attempt + opts_.retry_period;
      }
    } else {
      break;
    }
  }
}

void LeaderElector::Watchdog() {
  while (!sleeper_.cancelled()) {
    Clock::SteadyTime wake;
    bool expired = false;
    {
      std::lock_guard lock(mu_);
      if (state_ == State::kLost || state_ == State::kStopped) return;
      Clock::SteadyTime deadline = last_renew_ + opts_.renew_deadline;
      if (state_ == State::kLeading) {
        expired = clock_.Steady() > deadline;
        wake = deadline + std::chrono::milliseconds(1);
      } else {
        wake = clock_.Steady() + opts_.retry_period;
      }
    }
    if (expired) {
      Lose("no successful renewal within the renew deadline");
      return;
    }
    sleeper_.SleepUntil(wake);
  }
}

bool LeaderElector::TryAcquire() {
  Clock::WallTime now = clock_.Now();
  Lease next{opts_.identity, opts_.lease_duration.count(), now, now, 0};
  auto rec = store_.Get(opts_.key);
  if (!rec.ok()) {
    if (rec.status().code() != Code::kNotFound) {
      spdlog::warn("leader election: cannot read {}: {}", opts_.key, rec.status().ToString());
      return false;
    }
    auto created = store_.Create(opts_.key, EncodeLease(next));
    if (!created.ok()) return false;  // someone else created it first, or the store is down
    std::lock_guard lock(mu_);
    held_revision_ = created->mod_revision;
    current_ = next;
    return true;
  }
  auto lease = DecodeLease(rec->value);
  std::string previous;
  if (!lease.ok()) {
    spdlog::warn("leader election: overwriting unreadable lease {}: {}", opts_.key,
                 lease.status().message());
  } else if (lease->holder_identity == opts_.identity) {
    next.acquire_time = lease->acquire_time;
    next.lease_transitions = lease->lease_transitions;
  } else if (!LeaseExpired(*lease, now)) {
    std::lock_guard lock(mu_);
    if (observed_holder_ != lease->holder_identity) {
      observed_holder_ = lease->holder_identity;
      spdlog::info("leader election: {} is held by {}; waiting", opts_.key, observed_holder_);
    }
    return false;
  } else {
    previous = lease->holder_identity;
    next.lease_transitions = lease->lease_transitions + 1;
  }
  auto updated = store_.Update(opts_.key, EncodeLease(next), rec->mod_revision);
  if (!updated.ok()) return false;  // Conflict: another candidate won
  std::lock_guard lock(mu_);
  held_revision_ = updated->mod_revision;
  current_ = next;
  if (!previous.empty())
    spdlog::info("leader election: took over the expired lease of {}", previous);
  return true;
}

LeaderElector::Renewal LeaderElector::TryRenew() {
  Lease next;
  int64_t expected;
  {
    std::lock_guard lock(mu_);
    next = current_;
    expected = held_revision_;
  }
  next.renew_time = clock_.Now();
  next.lease_duration_seconds = opts_.lease_duration.count();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto updated = store_.Update(opts_.key, EncodeLease(next), expected);
    if (updated.ok()) {
      std::lock_guard lock(mu_);
      held_revision_ = updated->mod_revision;
      current_ = next;
      return Renewal::kRenewed;
    }
    Code code = updated.status().code();
    if (code != Code::kConflict && code != Code::kNotFound) {
      spdlog::warn("leader election: renew failed: {}", updated.status().ToString());
      return Renewal::kTransient;
    }
    // Someone wrote the lease; our own write may have committed with a lost reply.
    auto rec = store_.Get(opts_.key);
    if (!rec.ok()) {
      if (rec.status().code() == Code::kNotFound) return Renewal::kLost;
      return Renewal::kTransient;
    }
    auto lease = DecodeLease(rec->value);
    if (!lease.ok() || lease->holder_identity != opts_.identity) return Renewal::kLost;
    expected = rec->mod_revision;
  }
  return Renewal::kTransient;
}

void LeaderElector::BecomeLeader(Clock::SteadyTime acquired) {
  // The state turns kLeading inside the callback lock, so on_started_leading
  // is always delivered, and a concurrent Lose (which takes the same lock to
  // deliver on_stopped_leading) always comes after it.
  std::lock_guard cb(cb_mu_);
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kCandidate) return;
    state_ = State::kLeading;
    last_renew_ = acquired;
  }
  spdlog::info("leader election: {} is now the leader ({})", opts_.identity, opts_.key);
  sleeper_.Tick();  // the watchdog recomputes its deadline
  started_delivered_ = true;
  if (opts_.on_started_leading) opts_.on_started_leading();
}

void LeaderElector::Lose(const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kLeading) return;
    state_ = State::kLost;
  }
  spdlog::error("leader election: {} lost the lease {}: {}", opts_.identity, opts_.key, reason);
  sleeper_.Tick();  // let the other thread notice
  DeliverStopped();
}

void LeaderElector::DeliverStopped() {
  std::lock_guard cb(cb_mu_);
  if (!started_delivered_ || stopped_delivered_) return;
  stopped_delivered_ = true;
  if (opts_.on_stopped_leading) opts_.on_stopped_leading();
}

void LeaderElector::Release() {
  Lease released;
  int64_t expected;
  {
    std::lock_guard lock(mu_);
    if (held_revision_ == 0) return;
    released = current_;
    expected = held_revision_;
    held_revision_ = 0;
  }
  released.holder_identity.clear();
  released.lease_duration_seconds = 1;
  released.renew_time = clock_.Now();
  auto updated = store_.Update(opts_.key, EncodeLease(released), expected);
  if (updated.ok()) {
    spdlog::info("leader election: {} released {}", opts_.identity, opts_.key);
  } else if (updated.status().code() != Code::kConflict) {
    spdlog::warn("leader election: release of {} failed: {}", opts_.key,
                 updated.status().ToString());
  }
}

}  // namespace berth::runtime
