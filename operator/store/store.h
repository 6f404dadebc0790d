// Store: berth's desired-state store. A key/value store with etcd semantics,
// written once over SQL (sql/) with SQLite and PostgreSQL dialects.
//
// - One global revision, raised by one for every write. A record's
//   mod_revision is the revision of its last write (the object's
//   resourceVersion); create_revision the revision that created it.
// - Writes are atomic and durable once they return OK: Create of an existing
//   key is AlreadyExists; Update/Delete with a stale expected revision is
//   Conflict; of a missing key NotFound. No lost updates, across processes.
// - List reads one consistent snapshot and reports its revision.
// - Watch delivers every change after a revision, in revision order, with no
//   gap and no duplicate, including changes made by other processes on the
//   same database. A revision at or below the compacted one is Gone.
// - A dependency failure (database down, disk full, busy past the deadline)
//   is Unavailable or ResourceExhausted; the write did not happen, or (only
//   when the connection broke at commit) the caller cannot know, exactly as
//   with any database client. Implementations are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/clock.h"
#include "operator/common/result.h"

namespace berth::store {

struct Record {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
};

enum class EventType { kAdded, kModified, kDeleted };

// One write of a transaction (Store::Txn), with Create/Update/Delete's
// preconditions.
struct TxnOp {
  enum class Type { kCreate, kUpdate, kDelete };
  Type type = Type::kCreate;
  std::string key;
  std::string value;              // kCreate, kUpdate
  int64_t expected_revision = 0;  // kUpdate: must match; kDelete: 0 = unconditionally
};

struct Event {
  EventType type = EventType::kAdded;
  // For kDeleted: the last value before deletion, with mod_revision set to the
  // revision of the deletion itself.
  Record record;
};

struct ListResult {
  std::vector<Record> records;
  int64_t revision = 0;  // store revision of the snapshot
  bool more = false;     // the limit cut the result; continue after the last key
};

// A stream of changes to keys under one prefix. Owned by the caller.
class Watcher {
 public:
  virtual ~Watcher() = default;
  // The next event, waiting up to `timeout`. Timeout when none arrived in time,
  // Cancelled after Stop(), Gone when the watcher fell too far behind (its
  // history was compacted or its buffer overflowed: list again and re-watch),
  // Unavailable when the store connection failed and could not resume.
  virtual Result<Event> Next(std::chrono::milliseconds timeout) = 0;
  // The revision up to which this watcher has been given every event under its
  // prefix (for BOOKMARK events). Thread-safe.
  virtual int64_t Progress() const = 0;
  // Ends the stream; wakes a blocked Next. Thread-safe, idempotent.
  virtual void Stop() = 0;
};

struct Options {
  Clock* clock = nullptr;  // RealClock() when null
  // How often a watch hub looks for writes made by other processes (SQLite), or
  // the fallback when a notification is missed (PostgreSQL).
  std::chrono::milliseconds poll_interval{25};
  // Events buffered per watcher before it is closed with Gone.
  size_t watcher_buffer = 10000;
  // How long a write waits for a locked database before failing Unavailable.
  std::chrono::milliseconds busy_timeout{10000};
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<Record> Create(std::string_view key, std::string_view value) = 0;
  // Replaces the value if the key's mod_revision equals `expected_revision`.
  virtual Result<Record> Update(std::string_view key, std::string_view value,
                                int64_t expected_revision) = 0;
  // Deletes the key; `expected_revision` 0 means unconditionally. Returns the
  // deleted record with mod_revision set to the deletion's revision.
  virtual Result<Record> Delete(std::string_view key, int64_t expected_revision) = 0;
  // Every op or none, in order, in one transaction: each gets its own
  // revision (consecutive, in op order) and watchers see them in that order.
  // The first op whose precondition fails aborts the whole and its error is
  // returned (AlreadyExists, Conflict, NotFound, naming the key). Returns
  // the written records, one per op. For a write that depends on another
  // key not changing (a quota's fence).
  virtual Result<std::vector<Record>> Txn(const std::vector<TxnOp>& ops) = 0;
  virtual Result<Record> Get(std::string_view key) = 0;
  // Keys starting with `prefix`, in byte order, strictly after `start_after`
  // (empty: from the first), at most `limit` (0: no limit).
  virtual Result<ListResult> List(std::string_view prefix, std::string_view start_after,
                                  int64_t limit) = 0;
  virtual Result<int64_t> Count(std::string_view prefix) = 0;
  // Changes to keys under `prefix` with revision > `after_revision`.
  // Gone if `after_revision` < CompactedRevision().
  virtual Result<std::unique_ptr<Watcher>> Watch(std::string_view prefix,
                                                 int64_t after_revision) = 0;
  virtual Result<int64_t> CurrentRevision() = 0;
  // Forgets the history of changes at or below `revision` (capped at the
  // current revision). Current values are kept.
  virtual Status Compact(int64_t revision) = 0;
  virtual Result<int64_t> CompactedRevision() = 0;
  // "sqlite" or "postgresql".
  virtual std::string Backend() const = 0;
  // OK when the database answers a trivial query.
  virtual Status Ping() = 0;
};

// Opens the store a URL names: "sqlite:///abs/path.db", "sqlite://rel/path.db",
// "sqlite::memory:" (tests), or "postgresql://user:pass@host:port/db" (also
// "postgres://"). Creates or migrates the schema. Bad URL: BadRequest;
// unreachable database: Unavailable.
Result<std::unique_ptr<Store>> Open(const std::string& url, const Options& options = {});

// The URL with any password replaced by "***", for logs and errors.
std::string RedactUrl(const std::string& url);

// Background compaction: every `interval`, forgets the history older than the
// newest `keep_revisions` revisions (failures are logged and retried at the
// next tick). `store` must outlive it; destroying it stops the thread.
class Compactor {
 public:
  virtual ~Compactor() = default;
};
std::unique_ptr<Compactor> StartCompactor(Store& store, int64_t keep_revisions,
                                          std::chrono::milliseconds interval);

}  // namespace berth::store
