#include "operator/store/sql/watch_stream.h"

#include <algorithm>

namespace berth::store::sql {

WatchStream::WatchStream(std::string prefix, int64_t start, size_t capacity)
    : prefix_(std::move(prefix)), start_(start), capacity_(capacity), advanced_(start) {}

void WatchStream::Push(Event event) {
  std::lock_guard lock(mu_);
  if (stopped_ || !terminal_.ok()) return;
  if (queue_.size() >= capacity_) return OverflowLocked();
  queue_.push_back(std::move(event));
  cv_.notify_all();
}

void WatchStream::Prepend(std::vector<Event> backlog) {
  std::lock_guard lock(mu_);
  if (stopped_ || !terminal_.ok()) return;
  if (queue_.size() + backlog.size() > capacity_) return OverflowLocked();
  queue_.insert(queue_.begin(), std::make_move_iterator(backlog.begin()),
                std::make_move_iterator(backlog.end()));
  cv_.notify_all();
}

void WatchStream::Advance(int64_t revision) {
  std::lock_guard lock(mu_);
  if (revision > advanced_) advanced_ = revision;
}

void WatchStream::Fail(Status status) {
  std::lock_guard lock(mu_);
  if (stopped_ || !terminal_.ok()) return;
  terminal_ = std::move(status);
  cv_.notify_all();
}

void WatchStream::OverflowLocked() {
  queue_.clear();
  terminal_ = Status::Gone("watcher fell more than " + std::to_string(capacity_) +
                           " events behind; list again and watch from the new revision");
  cv_.notify_all();
}

bool WatchStream::Closed() const {
  std::lock_guard lock(mu_);
  return stopped_ || !terminal_.ok();
}

Result<Event> WatchStream::Next(std::chrono::milliseconds timeout) {
  // wait_for overflows on huge timeouts ("forever"); a day is forever enough.
  timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::hours(24));
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return stopped_ || !queue_.empty() || !terminal_.ok(); });
  if (stopped_) return Status::Cancelled("watch stopped");
  if (!queue_.empty()) {
    Event e = std::move(queue_.front());
    queue_.pop_front();
    advanced_ = std::max(advanced_, e.record.mod_revision);
    return e;
  }
  if (!terminal_.ok()) return terminal_;
  return Status::Timeout("no event within " + std::to_string(timeout.count()) + "ms");
}

int64_t WatchStream::Progress() const {
  std::lock_guard lock(mu_);
  // Everything before the first undelivered event has been handed out.
  if (!queue_.empty()) return queue_.front().record.mod_revision - 1;
  return advanced_;
}

void WatchStream::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  queue_.clear();
  cv_.notify_all();
}

namespace {

class StreamWatcher final : public Watcher {
 public:
  explicit StreamWatcher(std::shared_ptr<WatchStream> s) : stream_(std::move(s)) {}
  ~StreamWatcher() override { stream_->Stop(); }
  Result<Event> Next(std::chrono::milliseconds timeout) override { return stream_->Next(timeout); }
  int64_t Progress() const override { return stream_->Progress(); }
  void Stop() override { stream_->Stop(); }

 private:
  std::shared_ptr<WatchStream> stream_;
};

}  // namespace

std::unique_ptr<Watcher> MakeWatcher(std::shared_ptr<WatchStream> stream) {
  return std::make_unique<StreamWatcher>(std::move(stream));
}

}  // namespace berth::store::sql
