// Collector: runs the garbage collector of one process in the background.
// With leader election (the default) it campaigns for its own lease in the
// store, so of several `berth serve` on one store one collects; a lost lease
// stops it and it campaigns again with a fresh Manager. It needs no Docker
// and runs whether or not the other controllers do.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "controllers/gc/setup.h"
#include "operator/registry/registry.h"
#include "operator/runtime/manager.h"
#include "operator/store/store.h"

namespace berth::gc {

struct CollectorOptions {
  bool leader_elect = true;
  std::string lease_key = "/leases/berth-garbage-collector";
  std::string identity;  // leader-election identity; runtime::DefaultIdentity() when empty
  GcSetup setup;
  // After a failure to start (not a lost lease), wait this long and campaign again.
  std::chrono::milliseconds retry_after = std::chrono::seconds(1);
};

class Collector {
 public:
  // Starts the background campaign. `registry` and `store` must outlive it.
  static std::unique_ptr<Collector> Start(registry::Registry& registry, store::Store& store,
                                          CollectorOptions options = {});
  ~Collector();  // Stop()
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Stops collecting and releases the lease. Idempotent.
  void Stop();
  // True while this process holds the lease and collects.
  bool leading() const;

 private:
  Collector(registry::Registry& registry, store::Store& store, CollectorOptions options);
  void Run();

  registry::Registry& registry_;
  store::Store& store_;
  CollectorOptions options_;
  mutable std::mutex mu_;  // guards manager_ (the pointer) and stopping_
  std::condition_variable cv_;
  std::unique_ptr<runtime::Manager> manager_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace berth::gc
