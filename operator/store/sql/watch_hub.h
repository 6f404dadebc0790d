// WatchHub: one per Store. A background thread reads berth_log in revision
// order and fans each change out to the registered watchers whose prefix
// matches, so N watchers cost one query per poll, not N.
//
// - Writes of this process wake the hub at once (Kick). Other processes'
//   writes are found by polling every Options::poll_interval and, when the
//   Dialect has a notify channel, by a listener thread on a dedicated
//   connection (LISTEN) that wakes the hub as each such write commits.
// - Writers commit in revision order (the counter-row lock), so the log a
//   snapshot shows is always a gap-free prefix: reading "revision > last"
//   never skips a revision that commits later.
// - A watcher from R below the hub's position reads its backlog (R, position]
//   from the log, then continues with live events: no gap, no duplicate.
// - A failed read is retried from the same revision; only after failing for
//   Options::busy_timeout are the watchers ended with Unavailable.
// Thread-safe. Destroying the hub ends open watchers with Unavailable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "operator/store/sql/connection.h"
#include "operator/store/sql/dialect.h"
#include "operator/store/sql/txn.h"
#include "operator/store/sql/watch_stream.h"
#include "operator/store/store.h"

namespace berth::store::sql {

class WatchHub {
 public:
  // `reads` runs the hub's queries; `listen` opens its LISTEN connection
  // (unused when the dialect has no notify channel). `position` is the store
  // revision the hub starts from.
  WatchHub(const Dialect& dialect, TxnRunner& reads, Connector listen, const Options& options,
           int64_t position);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // See Store::Watch.
  Result<std::unique_ptr<Watcher>> Watch(std::string_view prefix, int64_t after_revision);
  // A write committed in this process: look now rather than at the next poll.
  void Kick();

 private:
  struct Batch;

  void PollLoop();
  void ListenLoop();
  Status Poll();
  Result<Batch> ReadBatch(int64_t after, bool rows);
  void Deliver(bool fetched, Batch batch);
  void FailAll(const Status& status);

  const Dialect& dialect_;
  TxnRunner& reads_;
  Connector listen_;
  const Options options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool kicked_ = false;
  int64_t position_;  // every change up to here has been delivered
  std::vector<std::shared_ptr<WatchStream>> streams_;

  std::thread poller_;
  std::thread listener_;
};

}  // namespace berth::store::sql
