// Helpers for the watch tests: collecting events with a generous deadline
// (tests wait for a condition, they never sleep and assert).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "operator/store/store.h"

namespace berth::store::testing {

constexpr auto kDeadline = std::chrono::seconds(20);

// Reads `n` events, or fewer when the deadline passes or the stream ends.
inline std::vector<Event> Collect(Watcher& w, size_t n,
                                  std::chrono::steady_clock::duration deadline = kDeadline) {
  std::vector<Event> out;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (out.size() < n && std::chrono::steady_clock::now() < until) {
    Result<Event> e = w.Next(std::chrono::milliseconds(200));
    if (e.ok()) {
      out.push_back(std::move(e).value());
    } else if (e.status().code() != Code::kTimeout) {
      ADD_FAILURE() << "watch ended: " << e.status().ToString();
      break;
    }
  }
  return out;
}

// The revisions of `events`, in order.
inline std::vector<int64_t> Revisions(const std::vector<Event>& events) {
  std::vector<int64_t> revs;
  for (const Event& e : events) revs.push_back(e.record.mod_revision);
  return revs;
}

// from+1, from+2, ..., to.
inline std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t r = from + 1; r <= to; ++r) out.push_back(r);
  return out;
}

}  // namespace berth::store::testing
