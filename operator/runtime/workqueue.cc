#include "operator/runtime/workqueue.h"

#include <algorithm>

namespace berth::runtime {

WorkQueue::WorkQueue(WorkQueueOptions opts)
    : opts_(std::move(opts)),
      clock_(opts_.clock ? *opts_.clock : RealClock()),
      bucket_(opts_.qps, opts_.burst, clock_) {
  if (!opts_.random) opts_.random = RandomUnit;
  if (opts_.metrics) {
    Labels l{{"name", opts_.name}};
    depth_ = &opts_.metrics->GetGauge("berth_workqueue_depth",
                                      "Keys ready in the work queue, by queue.", l);
    adds_ = &opts_.metrics->GetCounter("berth_workqueue_adds_total",
                                       "Keys added to the work queue, by queue.", l);
    retries_ = &opts_.metrics->GetCounter("berth_workqueue_retries_total",
                                          "Rate-limited re-adds (retries), by queue.", l);
  }
}

void WorkQueue::UpdateDepthLocked() {
  if (depth_) depth_->Set(static_cast<double>(queue_.size()));
}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key)) return;
  dirty_.insert(key);
  if (adds_) adds_->Inc();
  if (processing_.count(key)) return;  // Done() re-queues it
  queue_.push_back(key);
  UpdateDepthLocked();
  ready_cv_.notify_one();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard lock(mu_);
  AddLocked(key);
}

void WorkQueue::AddAfterLocked(const std::string& key, std::chrono::nanoseconds delay) {
  if (shutting_down_) return;
  if (delay <= std::chrono::nanoseconds(0)) {
    AddLocked(key);
    return;
  }
  Clock::SteadyTime at =
      clock_.Steady() + std::chrono::duration_cast<Clock::SteadyTime::duration>(delay);
  auto it = waiting_index_.find(key);
  if (it != waiting_index_.end()) {
    if (it->second.first <= at) return;  // keep the earlier time
    waiting_.erase({it->second.first, it->second.second, key});
    waiting_index_.erase(it);
  }
  uint64_t seq = seq_++;
  bool earliest = waiting_.empty() || at < std::get<0>(*waiting_.begin());
  waiting_.emplace(at, seq, key);
  waiting_index_[key] = {at, seq};
  // A waiter sleeping toward a later ready time must shorten its sleep.
  if (earliest) ready_cv_.notify_all();
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::nanoseconds delay) {
  std::lock_guard lock(mu_);
  AddAfterLocked(key, delay);
}

void WorkQueue::AddRateLimited(const std::string& key) {
  std::lock_guard lock(mu_);
  if (shutting_down_) return;
  int& n = failures_[key];
  auto delay = std::max(BackoffDelay(opts_.backoff, n, opts_.random()), bucket_.Reserve());
  ++n;
  if (retries_) retries_->Inc();
  AddAfterLocked(key, delay);
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteLocked(Clock::SteadyTime now) {
  while (!waiting_.empty() && std::get<0>(*waiting_.begin()) <= now) {
    std::string key = std::get<2>(*waiting_.begin());
    waiting_.erase(waiting_.begin());
    waiting_index_.erase(key);
    AddLocked(key);
  }
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (shutting_down_) return std::nullopt;
    PromoteLocked(clock_.Steady());
    if (!queue_.empty()) {
      std::string key = std::move(queue_.front());
      queue_.pop_front();
      dirty_.erase(key);
      processing_.insert(key);
      UpdateDepthLocked();
      return key;
    }
    if (waiting_.empty()) {
      ready_cv_.wait(lock);
    } else {
      auto remaining = std::get<0>(*waiting_.begin()) - clock_.Steady();
      if (remaining > Clock::SteadyTime::duration::zero()) ready_cv_.wait_for(lock, remaining);
    }
  }
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard lock(mu_);
  if (processing_.erase(key) == 0) return;
  if (dirty_.count(key) && !shutting_down_) {
    queue_.push_back(key);
    UpdateDepthLocked();
    ready_cv_.notify_one();
  }
  if (processing_.empty()) idle_cv_.notify_all();
}

size_t WorkQueue::Len() {
  std::lock_guard lock(mu_);
  if (!shutting_down_) PromoteLocked(clock_.Steady());
  return queue_.size();
}

size_t WorkQueue::Waiting() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

size_t WorkQueue::Processing() const {
  std::lock_guard lock(mu_);
  return processing_.size();
}

void WorkQueue::Tick() {
  std::lock_guard lock(mu_);
  ready_cv_.notify_all();
}

void WorkQueue::ShutDown() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  queue_.clear();
  dirty_.clear();
  waiting_.clear();
  waiting_index_.clear();
  UpdateDepthLocked();
  ready_cv_.notify_all();
  idle_cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

bool WorkQueue::WaitForIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return processing_.empty(); });
}

}  // namespace berth::runtime
