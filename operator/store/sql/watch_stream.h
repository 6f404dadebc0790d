// WatchStream: one watcher's queue of events, shared by the WatchHub (which
// fills it) and the Watcher the caller owns (which drains it). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/store/store.h"

namespace berth::store::sql {

class WatchStream {
 public:
  // Receives events under `prefix` with revision > `start`; holds at most
  // `capacity` undelivered events before it fails with Gone.
  WatchStream(std::string prefix, int64_t start, size_t capacity);

  const std::string& prefix() const { return prefix_; }
  int64_t start() const { return start_; }

  // Hub side. Push queues one event (revision order is the caller's duty).
  void Push(Event event);
  // Events older than every pushed one (the backlog read from the log).
  void Prepend(std::vector<Event> backlog);
  // Every event up to `revision` has been pushed.
  void Advance(int64_t revision);
  // Ends the stream with `status` once the queued events are drained; Gone
  // from an overflow drops them at once.
  void Fail(Status status);
  // Stopped or failed: the hub forgets it.
  bool Closed() const;

  // Watcher side (see store::Watcher).
  Result<Event> Next(std::chrono::milliseconds timeout);
  int64_t Progress() const;
  void Stop();

 private:
  void OverflowLocked();

  const std::string prefix_;
  const int64_t start_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> queue_;
  int64_t advanced_;
  Status terminal_;  // OK while the stream is open
  bool stopped_ = false;
};

// The Watcher handed to callers: a thin owner of the shared stream.
std::unique_ptr<Watcher> MakeWatcher(std::shared_ptr<WatchStream> stream);

}  // namespace berth::store::sql
