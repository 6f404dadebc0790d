#include "operator/store/sql/watch_hub.h"

#include <algorithm>
#include <optional>

#include "operator/common/log.h"
#include "operator/common/strings.h"
#include "operator/store/sql/keys.h"

namespace berth::store::sql {
namespace {

constexpr int64_t kBatchRows = 500;
constexpr auto kIdlePoll = std::chrono::milliseconds(1000);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);
constexpr auto kListenWait = std::chrono::milliseconds(50);

constexpr std::string_view kSelectCounters =
    "SELECT rev, compact_rev FROM berth_revision WHERE id = 1";
constexpr std::string_view kSelectLog =
    "SELECT revision, key, type, value, create_revision FROM berth_log"
    " WHERE revision > ? ORDER BY revision LIMIT ?";

Event ToEvent(const SqlRow& row) {
  Event e;
  switch (row.Int(2)) {
    case 1: e.type = EventType::kAdded; break;
    case 2: e.type = EventType::kModified; break;
    default: e.type = EventType::kDeleted; break;
  }
  e.record.key = row.Text(1);
  e.record.value = row.Text(3);
  e.record.create_revision = row.Int(4);
  e.record.mod_revision = row.Int(0);
  return e;
}

Status CompactedStatus(int64_t after, int64_t compacted) {
  return Status::Gone("revision " + std::to_string(after) + " is compacted (history starts after " +
                      std::to_string(compacted) + "); list again and watch from its revision");
}

}  // namespace

struct WatchHub::Batch {
  int64_t rev = 0;
  int64_t compact_rev = 0;
  std::vector<Event> events;
};

WatchHub::WatchHub(const Dialect& dialect, TxnRunner& reads, Connector listen,
                   const Options& options, int64_t position)
    : dialect_(dialect),
      reads_(reads),
      listen_(std::move(listen)),
      options_(options),
      position_(position) {
  poller_ = std::thread([this] { PollLoop(); });
  if (!dialect_.notify_channel.empty() && listen_) {
    listener_ = std::thread([this] { ListenLoop(); });
  }
}

WatchHub::~WatchHub() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  if (listener_.joinable()) listener_.join();
  FailAll(Status::Unavailable("the store was closed"));
}

void WatchHub::Kick() {
  std::lock_guard lock(mu_);
  if (streams_.empty()) return;  // nobody to tell; the idle poll keeps up
  kicked_ = true;
  cv_.notify_all();
}

Result<std::unique_ptr<Watcher>> WatchHub::Watch(std::string_view prefix, int64_t after) {
  std::shared_ptr<WatchStream> stream;
  int64_t position = 0;
  {
    std::lock_guard lock(mu_);
    position = position_;
    stream = std::make_shared<WatchStream>(std::string(prefix), std::max(after, position),
                                           options_.watcher_buffer);
    streams_.push_back(stream);
    kicked_ = true;  // leave the idle poll rate now
  }
  cv_.notify_all();
  // One snapshot: the compaction check and the backlog (after, position].
  const std::string end = PrefixEnd(prefix);
  Result<std::vector<Event>> backlog =
      reads_.Get<std::vector<Event>>(dialect_.begin_read, [&](SqlConnection& c) {
        return [&]() -> Result<std::vector<Event>> {
          BERTH_ASSIGN_OR_RETURN(SqlRows counters, c.Exec(kSelectCounters));
          if (counters.empty()) return Status::Internal("berth_revision has no row");
          const int64_t compacted = counters.front().Int(1);
          if (after < compacted) return CompactedStatus(after, compacted);
          std::vector<Event> events;
          if (after >= position) return events;
          std::string sql =
              "SELECT revision, key, type, value, create_revision FROM berth_log"
              " WHERE revision > ? AND revision <= ? AND key >= ?";
          std::vector<SqlParam> params = {after, position, prefix};
          if (!end.empty()) {
            sql += " AND key < ?";
            params.emplace_back(std::string_view(end));
          }
          // One row more than the buffer holds is enough to know it overflows.
          sql += " ORDER BY revision LIMIT ?";
          params.emplace_back(static_cast<int64_t>(options_.watcher_buffer) + 1);
          BERTH_ASSIGN_OR_RETURN(SqlRows rows, c.Exec(sql, params));
          events.reserve(rows.size());
          for (const SqlRow& row : rows) events.push_back(ToEvent(row));
          return events;
        }();
      });
  if (!backlog.ok()) {
    stream->Stop();
    return backlog.status();
  }
  stream->Prepend(std::move(backlog).value());
  return MakeWatcher(std::move(stream));
}

Result<WatchHub::Batch> WatchHub::ReadBatch(int64_t after, bool rows) {
  return reads_.Get<Batch>(dialect_.begin_read, [&](SqlConnection& c) -> Result<Batch> {
    Batch b;
    BERTH_ASSIGN_OR_RETURN(SqlRows counters, c.Exec(kSelectCounters));
    if (counters.empty()) return Status::Internal("berth_revision has no row");
    b.rev = counters.front().Int(0);
    b.compact_rev = counters.front().Int(1);
    if (!rows || b.rev <= after) return b;
    BERTH_ASSIGN_OR_RETURN(SqlRows log, c.Exec(kSelectLog, {after, kBatchRows}));
    b.events.reserve(log.size());
    for (const SqlRow& row : log) b.events.push_back(ToEvent(row));
    return b;
  });
}

Status WatchHub::Poll() {
  for (;;) {
    int64_t from = 0;
    bool watching = false;
    {
      std::lock_guard lock(mu_);
      from = position_;
      watching = !streams_.empty();
    }
    BERTH_ASSIGN_OR_RETURN(Batch batch, ReadBatch(from, watching));
    const bool full = static_cast<int64_t>(batch.events.size()) == kBatchRows;
    Deliver(watching, std::move(batch));
    if (!full) return Status::Ok();
  }
}

void WatchHub::Deliver(bool fetched, Batch batch) {
  std::lock_guard lock(mu_);
  if (!fetched) {
    // Nobody was watching, so no rows were read. Skip ahead unless a watcher
    // registered meanwhile: it expects every change after `position_`.
    if (streams_.empty()) position_ = std::max(position_, batch.rev);
    return;
  }
  if (batch.compact_rev > position_) {
    // Compaction removed changes the hub had not delivered yet.
    for (const auto& s : streams_) {
      if (s->start() < batch.compact_rev) s->Fail(CompactedStatus(position_, batch.compact_rev));
    }
    position_ = batch.compact_rev;
  }
  for (Event& e : batch.events) {
    const int64_t rev = e.record.mod_revision;
    if (rev <= position_) continue;
    for (const auto& s : streams_) {
      if (rev > s->start() && StartsWith(e.record.key, s->prefix())) s->Push(e);
    }
    position_ = rev;
  }
  for (const auto& s : streams_) s->Advance(position_);
  std::erase_if(streams_, [](const std::shared_ptr<WatchStream>& s) { return s->Closed(); });
}

void WatchHub::FailAll(const Status& status) {
  std::lock_guard lock(mu_);
  for (const auto& s : streams_) s->Fail(status);
  streams_.clear();
}

void WatchHub::PollLoop() {
  std::chrono::milliseconds wait = options_.poll_interval;
  std::optional<std::chrono::steady_clock::time_point> failing_since;
  bool failed_watchers = false;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      auto interval = streams_.empty() ? std::max(wait, kIdlePoll) : wait;
      cv_.wait_for(lock, interval, [&] { return stop_ || kicked_; });
      if (stop_) return;
      kicked_ = false;
    }
    Status st = Poll();
    if (st.ok()) {
      if (failing_since) spdlog::info("store watch: database reachable again");
      failing_since.reset();
      failed_watchers = false;
      wait = options_.poll_interval;
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!failing_since) {
      failing_since = now;
      spdlog::warn("store watch: reading changes failed, retrying: {}", st.ToString());
    }
    if (!failed_watchers && now - *failing_since >= options_.busy_timeout) {
      spdlog::error("store watch: giving up on open watchers: {}", st.ToString());
      FailAll(Status::Unavailable("watch: the database has been unreachable for " +
                                  std::to_string(options_.busy_timeout.count()) +
                                  "ms: " + st.message()));
      failed_watchers = true;
    }
    wait = std::min(std::max(wait * 2, std::chrono::milliseconds(1)), kMaxBackoff);
  }
}

void WatchHub::ListenLoop() {
  std::unique_ptr<SqlConnection> conn;
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (!conn || conn->IsBroken()) {
      conn.reset();
      Result<std::unique_ptr<SqlConnection>> c = listen_();
      Status st = c.ok() ? (*c)->Listen(dialect_.notify_channel) : c.status();
      if (!st.ok()) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, backoff, [&] { return stop_; });
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      conn = std::move(c).value();
      backoff = std::chrono::milliseconds(50);
      Kick();  // a change may have committed while nobody listened
    }
    Result<int> n = conn->AwaitNotification(kListenWait);
    if (n.ok() && *n > 0) Kick();
  }
}

}  // namespace berth::store::sql
