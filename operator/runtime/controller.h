// Controller: a named work queue plus N worker threads that call one
// Reconciler for each key they take. Keys are ObjectRef strings
// ("Stack/default/web"); event handlers and external sources feed them in
// through Enqueue.
//
// Per key the worker applies the reconciler's retry policy (reconciler.h):
// errors retry with backoff, terminal errors and successes Forget the key's
// backoff. A reconciler that throws is treated as having returned Internal
// (retried with backoff) and logged. Metrics (Prometheus names):
//   berth_reconcile_total{controller,result}   result: success|requeue|requeue_after|error|terminal
//   berth_reconcile_errors_total{controller}
//   berth_reconcile_duration_seconds{controller}  (histogram)
//   berth_controller_active_workers{controller}
//   berth_workqueue_depth / _adds_total / _retries_total{name=<controller>}
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/clock.h"
#include "operator/common/status.h"
#include "operator/runtime/metrics.h"
#include "operator/runtime/reconciler.h"
#include "operator/runtime/workqueue.h"

namespace berth::runtime {

struct ControllerOptions {
  std::string name;            // "stack"; labels metrics and logs
  int workers = 2;             // concurrent reconciles (different keys only)
  Clock* clock = nullptr;      // RealClock() when null
  Metrics* metrics = nullptr;  // Metrics::Global() when null
  WorkQueueOptions queue;      // name, clock and metrics are filled in from above
};

class Controller {
 public:
  // `reconciler` must outlive the controller.
  Controller(ControllerOptions opts, Reconciler& reconciler);
  ~Controller();  // Stop()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& name() const { return opts_.name; }

  // Queues a reconcile of `ref` (deduplicated). Safe before Start(): keys wait
  // in the queue. Ignored after Stop().
  void Enqueue(const api::ObjectRef& ref);
  void EnqueueAfter(const api::ObjectRef& ref, std::chrono::nanoseconds delay);

  // Starts the workers. Internal when called twice or after Stop().
  Status Start();
  // Shuts the queue down (queued keys are dropped), lets in-flight reconciles
  // finish, and joins the workers. Idempotent.
  void Stop();

  WorkQueue& queue() { return queue_; }

 private:
  void Worker();
  void ProcessKey(const std::string& key);

  ControllerOptions opts_;
  Reconciler& reconciler_;
  Clock& clock_;
  WorkQueue queue_;
  Metrics& metrics_;
  Counter& errors_;
  Histogram& duration_;
  Gauge& active_;

  std::mutex mu_;  // guards started_/stopped_/threads_
  bool started_ = false;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace berth::runtime
