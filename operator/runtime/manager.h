// Manager: owns the informers, controllers and runnables of one process and
// runs them only while this process leads.
//
// Start(): campaign for the leader lock (when leader election is on) and
// block until leading; start the informers; wait for their caches to sync;
// start the controllers; start the runnables (e.g. the Docker event stream).
// Stop(): stop runnables, then controllers (queues shut down, in-flight
// reconciles finish, workers join), then informers (watches end), then
// release the lease, so a successor cannot overlap with this process.
//
// Losing the lease stops every component promptly (from the manager's own
// thread) and makes Wait() return Unavailable; the owner then destroys it and
// campaigns again with a fresh manager (`berth serve` does, keeping its API
// up). A manager is single-use: it is never restarted after Stop or loss.
//
// Thread-safe; Add* only before Start().
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "operator/common/status.h"
#include "operator/runtime/controller.h"
#include "operator/runtime/informer.h"
#include "operator/runtime/leader.h"
#include "operator/runtime/reconciler.h"
#include "operator/runtime/source.h"
#include "operator/store/store.h"

namespace berth::runtime {

struct ManagerOptions {
  // Leader election through this store when set (it must outlive the
  // manager); without it the process acts as leader at once.
  store::Store* leader_election_store = nullptr;
  // Key, identity and durations; the manager sets the callbacks.
  LeaderElectionOptions leader_election;
  std::chrono::milliseconds cache_sync_timeout = std::chrono::minutes(2);
};

class Manager {
 public:
  explicit Manager(ManagerOptions opts = {});
  ~Manager();  // Stop()
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  Informer& AddInformer(std::unique_ptr<Informer> informer);
  Controller& AddController(std::unique_ptr<Controller> controller);
  // Owns the reconciler too (it is destroyed after its controller).
  Controller& AddController(ControllerOptions opts, std::unique_ptr<Reconciler> reconciler);
  void AddRunnable(std::unique_ptr<Runnable> runnable);

  // Blocks until leading, then starts everything (see above). Cancelled when
  // Stop() came first, Unavailable when leadership was lost meanwhile, Timeout
  // when a cache did not sync within cache_sync_timeout, or the first error of
  // a component. After an error, call Stop().
  Status Start();
  // Stops everything in order and releases the lease. Idempotent; safe from
  // any thread (the signal thread) and while Start() blocks.
  void Stop();
  // Blocks until the manager stopped: OK after Stop(), Unavailable after the
  // lease was lost (components already stopped; main should exit non-zero).
  Status Wait();

  // True while components run under a valid lease (always true once started
  // without leader election).
  bool IsLeader() const;
  // The elector once Start() created it; null without leader election.
  LeaderElector* elector();

 private:
  void OnStartedLeading();
  void OnStoppedLeading();
  void Supervise();
  void StopComponents();
  bool Stopping() const;

  ManagerOptions opts_;
  std::vector<std::unique_ptr<Reconciler>> reconcilers_;  // destroyed last
  std::vector<std::unique_ptr<Informer>> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::vector<std::unique_ptr<Runnable>> runnables_;
  std::unique_ptr<LeaderElector> elector_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool leading_ = false;
  bool lost_ = false;
  bool stop_requested_ = false;
  bool components_stopped_ = false;
  bool done_ = false;
  std::thread supervisor_;

  std::mutex stop_mu_;  // serializes StopComponents and Stop
};

}  // namespace berth::runtime
