#include "operator/runtime/controller.h"

#include <exception>

#include "operator/common/log.h"

namespace berth::runtime {
namespace {

WorkQueueOptions QueueOptions(const ControllerOptions& o) {
  WorkQueueOptions q = o.queue;
  q.name = o.name;
  if (!q.clock) q.clock = o.clock;
  if (!q.metrics) q.metrics = o.metrics ? o.metrics : &Metrics::Global();
  return q;
}

Metrics& MetricsOf(const ControllerOptions& o) {
  return o.metrics ? *o.metrics : Metrics::Global();
}

}  // namespace

Controller::Controller(ControllerOptions opts, Reconciler& reconciler)
    : opts_(std::move(opts)),
      reconciler_(reconciler),
      clock_(opts_.clock ? *opts_.clock : RealClock()),
      queue_(QueueOptions(opts_)),
      metrics_(MetricsOf(opts_)),
      errors_(metrics_.GetCounter("berth_reconcile_errors_total",
                                  "Reconciles that returned an error, by controller.",
                                  {{"controller", opts_.name}})),
      duration_(metrics_.GetHistogram("berth_reconcile_duration_seconds",
                                      "Time spent in Reconcile, by controller.", DurationBuckets(),
                                      {{"controller", opts_.name}})),
      active_(metrics_.GetGauge("berth_controller_active_workers",
                                "Workers currently running Reconcile, by controller.",
                                {{"controller", opts_.name}})) {
  if (opts_.workers < 1) opts_.workers = 1;
}

Controller::~Controller() {
  Stop();
}

void Controller::Enqueue(const api::ObjectRef& ref) {
  queue_.Add(ref.ToString());
}

void Controller::EnqueueAfter(const api::ObjectRef& ref, std::chrono::nanoseconds delay) {
  queue_.AddAfter(ref.ToString(), delay);
}

Status Controller::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) {
    return Status::Internal("controller " + opts_.name + " already started or stopped");
  }
  started_ = true;
  for (int i = 0; i < opts_.workers; ++i) threads_.emplace_back([this] { Worker(); });
  spdlog::info("controller {}: started {} workers", opts_.name, opts_.workers);
  return Status::Ok();
}

void Controller::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    threads.swap(threads_);
  }
  queue_.ShutDown();
  for (auto& t : threads) t.join();
  if (!threads.empty()) spdlog::info("controller {}: stopped", opts_.name);
}

void Controller::Worker() {
  while (auto key = queue_.Get()) {
    ProcessKey(*key);
    queue_.Done(*key);
  }
}

void Controller::ProcessKey(const std::string& key) {
  api::ObjectRef ref;
  if (!api::ObjectRef::Parse(key, &ref)) {
    spdlog::error("controller {}: dropping malformed key '{}'", opts_.name, key);
    queue_.Forget(key);
    return;
  }
  active_.Add(1);
  auto start = clock_.Steady();
  Result<ReconcileResult> result = Status::Internal("reconcile did not run");
  try {
    result = reconciler_.Reconcile(Request{ref});
  } catch (const std::exception& e) {
    result = Status::Internal(std::string("reconciler threw: ") + e.what());
  } catch (...) {
    result = Status::Internal("reconciler threw a non-standard exception");
  }
  duration_.Observe(std::chrono::duration<double>(clock_.Steady() - start).count());
  active_.Add(-1);

  std::string outcome;
  if (!result.ok()) {
    errors_.Inc();
    if (IsTerminal(result.status())) {
      outcome = "terminal";
      queue_.Forget(key);
      spdlog::error("controller {}: {} failed terminally: {}", opts_.name, key,
                    result.status().ToString());
    } else {
      outcome = "error";
      queue_.AddRateLimited(key);
      spdlog::warn("controller {}: {} failed (retry {}): {}", opts_.name, key,
                   queue_.NumRequeues(key), result.status().ToString());
    }
  } else if (result->requeue_after > std::chrono::milliseconds(0)) {
    outcome = "requeue_after";
    queue_.Forget(key);
    queue_.AddAfter(key, result->requeue_after);
  } else if (result->requeue) {
    outcome = "requeue";
    queue_.AddRateLimited(key);
  } else {
    outcome = "success";
    queue_.Forget(key);
  }
  metrics_
      .GetCounter("berth_reconcile_total", "Reconciles by controller and result.",
                  {{"controller", opts_.name}, {"result", outcome}})
      .Inc();
}

}  // namespace berth::runtime
