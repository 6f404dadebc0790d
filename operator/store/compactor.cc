#include <condition_variable>
#include <mutex>
#include <thread>

#include "operator/common/log.h"
#include "operator/store/store.h"

namespace berth::store {
namespace {

class ThreadCompactor final : public Compactor {
 public:
  ThreadCompactor(Store& store, int64_t keep, std::chrono::milliseconds interval)
      : store_(store), keep_(keep), interval_(interval), thread_([this] { Run(); }) {}

  ~ThreadCompactor() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [&] { return stop_; })) {
      lock.unlock();
      Tick();
      lock.lock();
    }
  }

  void Tick() {
    Result<int64_t> current = store_.CurrentRevision();
    if (!current.ok()) {
      spdlog::warn("store compaction skipped: {}", current.status().ToString());
      return;
    }
    const int64_t target = *current - keep_;
    if (target <= 0) return;
    Status st = store_.Compact(target);
    if (!st.ok()) spdlog::warn("store compaction to {} failed: {}", target, st.ToString());
  }

  Store& store_;
  const int64_t keep_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members it reads
};

}  // namespace

std::unique_ptr<Compactor> StartCompactor(Store& store, int64_t keep_revisions,
                                          std::chrono::milliseconds interval) {
  return std::make_unique<ThreadCompactor>(store, keep_revisions, interval);
}

}  // namespace berth::store
