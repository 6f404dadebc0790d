#include "operator/store/sql/sql_store.h"

#include "operator/store/sql/keys.h"
#include "operator/store/sql/migrate.h"

namespace berth::store::sql {
namespace {

// The first statement of every write: takes the writers' lock (PostgreSQL's
// row lock; SQLite already holds its lock from BEGIN IMMEDIATE) and returns
// the revision this write gets.
constexpr std::string_view kLockStatement =
    "UPDATE berth_revision SET rev = rev + 1 WHERE id = 1 RETURNING rev";
constexpr std::string_view kSelectObject =
    "SELECT value, create_revision, mod_revision FROM berth_objects WHERE key = ?";
constexpr std::string_view kAppendLog =
    "INSERT INTO berth_log (revision, key, type, value, create_revision, prev_revision)"
    " VALUES (?, ?, ?, ?, ?, ?)";

constexpr int64_t kLogAdded = 1;
constexpr int64_t kLogModified = 2;
constexpr int64_t kLogDeleted = 3;

std::string Quoted(std::string_view key) {
  return "\"" + std::string(key) + "\"";
}

// `WHERE key >= prefix AND key < PrefixEnd(prefix)` (the upper bound only when
// there is one), so both databases scan just the prefix's range of the index.
void AppendPrefixRange(std::string_view prefix, const std::string& end, std::string* sql,
                       std::vector<SqlParam>* params) {
  *sql += " WHERE key >= ?";
  params->emplace_back(prefix);
  if (!end.empty()) {
    *sql += " AND key < ?";
    params->emplace_back(std::string_view(end));
  }
}

}  // namespace

SqlStore::SqlStore(SqlStoreConfig config, const Options& options)
    : dialect_(*config.dialect), options_(options), config_(std::move(config)) {
  write_pool_ = std::make_unique<ConnectionPool>(config_.connect, config_.writers);
  if (!config_.shared_pool) {
    read_pool_ = std::make_unique<ConnectionPool>(config_.connect, config_.readers);
  }
  writes_ = std::make_unique<TxnRunner>(*write_pool_, options_.busy_timeout, false);
  reads_ = std::make_unique<TxnRunner>(read_pool_ ? *read_pool_ : *write_pool_,
                                       options_.busy_timeout, true);
}

SqlStore::~SqlStore() {
  hub_.reset();
}

Result<std::unique_ptr<SqlStore>> SqlStore::Open(SqlStoreConfig config, const Options& options) {
  if (config.dialect == nullptr || !config.connect) {
    return Status::Internal("SqlStore needs a dialect and a connector");
  }
  auto store = std::make_unique<SqlStore>(std::move(config), options);
  const Dialect& d = store->dialect_;
  BERTH_RETURN_IF_ERROR(store->writes_->Run("", [&](SqlConnection& c) { return Migrate(c, d); }));
  BERTH_ASSIGN_OR_RETURN(int64_t rev, store->CurrentRevision());
  Connector listen = d.notify_channel.empty() ? Connector() : store->config_.connect;
  store->hub_ = std::make_unique<WatchHub>(d, *store->reads_, listen, store->options_, rev);
  return store;
}

Result<Record> SqlStore::Create(std::string_view key, std::string_view value) {
  return Write(Op::kCreate, key, value, 0);
}

Result<Record> SqlStore::Update(std::string_view key, std::string_view value,
                                int64_t expected_revision) {
  return Write(Op::kUpdate, key, value, expected_revision);
}

Result<Record> SqlStore::Delete(std::string_view key, int64_t expected_revision) {
  return Write(Op::kDelete, key, "", expected_revision);
}

Result<Record> SqlStore::Write(Op op, std::string_view key, std::string_view value,
                               int64_t expected) {
  if (key.empty()) return Status::BadRequest("store key must not be empty");
  Result<Record> r = writes_->Get<Record>(dialect_.begin_write, [&](SqlConnection& c) {
    return WriteInTxn(c, op, key, value, expected);
  });
  if (r.ok() || r.status().code() == Code::kUnavailable) hub_->Kick();
  return r;
}

Result<std::vector<Record>> SqlStore::Txn(const std::vector<TxnOp>& ops) {
  if (ops.empty()) return std::vector<Record>{};
  for (const TxnOp& op : ops) {
    if (op.key.empty()) return Status::BadRequest("store key must not be empty");
  }
  auto r = writes_->Get<std::vector<Record>>(
      dialect_.begin_write, [&](SqlConnection& c) -> Result<std::vector<Record>> {
        std::vector<Record> out;
        out.reserve(ops.size());
        for (const TxnOp& op : ops) {
          Op o = op.type == TxnOp::Type::kCreate   ? Op::kCreate
                 : op.type == TxnOp::Type::kUpdate ? Op::kUpdate
                                                   : Op::kDelete;
          // Each op raises the counter again: one revision per change, as
          // the log and the watchers expect. Rolled back together on error.
          BERTH_ASSIGN_OR_RETURN(Record rec,
                                 WriteInTxn(c, o, op.key, op.value, op.expected_revision));
          out.push_back(std::move(rec));
        }
        return out;
      });
  if (r.ok() || r.status().code() == Code::kUnavailable) hub_->Kick();
  return r;
}

Result<Record> SqlStore::WriteInTxn(SqlConnection& c, Op op, std::string_view key,
                                    std::string_view value, int64_t expected) {
  BERTH_ASSIGN_OR_RETURN(SqlRows bumped, c.Exec(kLockStatement));
  if (bumped.empty()) return Status::Internal("berth_revision has no row");
  const int64_t rev = bumped.front().Int(0);
  BERTH_ASSIGN_OR_RETURN(SqlRows current, c.Exec(kSelectObject, {key}));

  Record rec{std::string(key), std::string(value), rev, rev};
  if (op == Op::kCreate) {
    if (!current.empty()) return Status::AlreadyExists("key " + Quoted(key) + " already exists");
    BERTH_RETURN_IF_ERROR(c.Exec("INSERT INTO berth_objects (key, value, create_revision,"
                                 " mod_revision) VALUES (?, ?, ?, ?)",
                                 {key, Blob{value}, rev, rev})
                              .status());
    BERTH_RETURN_IF_ERROR(
        c.Exec(kAppendLog, {rev, key, kLogAdded, Blob{value}, rev, int64_t{0}}).status());
  } else {
    if (current.empty()) return Status::NotFound("key " + Quoted(key) + " not found");
    const SqlRow& row = current.front();
    const int64_t mod = row.Int(2);
    rec.create_revision = row.Int(1);
    if ((op == Op::kUpdate || expected != 0) && mod != expected) {
      return Status::Conflict("key " + Quoted(key) + " is at revision " + std::to_string(mod) +
                              ", not " + std::to_string(expected));
    }
    if (op == Op::kUpdate) {
      BERTH_RETURN_IF_ERROR(
          c.Exec("UPDATE berth_objects SET value = ?, mod_revision = ? WHERE key = ?",
                 {Blob{value}, rev, key})
              .status());
      BERTH_RETURN_IF_ERROR(
          c.Exec(kAppendLog, {rev, key, kLogModified, Blob{value}, rec.create_revision, mod})
              .status());
    } else {
      rec.value = row.Text(0);
      BERTH_RETURN_IF_ERROR(c.Exec("DELETE FROM berth_objects WHERE key = ?", {key}).status());
      BERTH_RETURN_IF_ERROR(
          c.Exec(kAppendLog, {rev, key, kLogDeleted, Blob{rec.value}, rec.create_revision, mod})
              .status());
    }
  }
  if (!dialect_.notify.empty()) BERTH_RETURN_IF_ERROR(c.Exec(dialect_.notify).status());
  return rec;
}

Result<Record> SqlStore::Get(std::string_view key) {
  return reads_->Get<Record>("", [&](SqlConnection& c) -> Result<Record> {
    BERTH_ASSIGN_OR_RETURN(SqlRows rows, c.Exec(kSelectObject, {key}));
    if (rows.empty()) return Status::NotFound("key " + Quoted(key) + " not found");
    const SqlRow& row = rows.front();
    return Record{std::string(key), row.Text(0), row.Int(1), row.Int(2)};
  });
}

Result<ListResult> SqlStore::List(std::string_view prefix, std::string_view start_after,
                                  int64_t limit) {
  const std::string end = PrefixEnd(prefix);
  std::string sql = "SELECT key, value, create_revision, mod_revision FROM berth_objects";
  std::vector<SqlParam> params;
  AppendPrefixRange(prefix, end, &sql, &params);
  if (!start_after.empty()) {
    sql += " AND key > ?";
    params.emplace_back(start_after);
  }
  sql += " ORDER BY key";
  if (limit > 0) {
    sql += " LIMIT ?";
    params.emplace_back(limit + 1);  // one more tells whether there is more
  }
  return reads_->Get<ListResult>(dialect_.begin_read, [&](SqlConnection& c) -> Result<ListResult> {
    ListResult out;
    BERTH_ASSIGN_OR_RETURN(SqlRows counter, c.Exec("SELECT rev FROM berth_revision WHERE id = 1"));
    if (counter.empty()) return Status::Internal("berth_revision has no row");
    out.revision = counter.front().Int(0);
    BERTH_ASSIGN_OR_RETURN(SqlRows rows, c.Exec(sql, params));
    if (limit > 0 && static_cast<int64_t>(rows.size()) > limit) {
      out.more = true;
      rows.pop_back();
    }
    out.records.reserve(rows.size());
    for (SqlRow& row : rows) {
      out.records.push_back(Record{std::move(*row.columns[0]),
                                   row.columns[1] ? std::move(*row.columns[1]) : std::string(),
                                   row.Int(2), row.Int(3)});
    }
    return out;
  });
}

Result<int64_t> SqlStore::Count(std::string_view prefix) {
  const std::string end = PrefixEnd(prefix);
  std::string sql = "SELECT COUNT(*) FROM berth_objects";
  std::vector<SqlParam> params;
  AppendPrefixRange(prefix, end, &sql, &params);
  return reads_->Get<int64_t>("", [&](SqlConnection& c) -> Result<int64_t> {
    BERTH_ASSIGN_OR_RETURN(SqlRows rows, c.Exec(sql, params));
    return rows.empty() ? int64_t{0} : rows.front().Int(0);
  });
}

Result<std::unique_ptr<Watcher>> SqlStore::Watch(std::string_view prefix, int64_t after_revision) {
  return hub_->Watch(prefix, after_revision);
}

Result<int64_t> SqlStore::ReadCounter(int column) {
  return reads_->Get<int64_t>("", [&](SqlConnection& c) -> Result<int64_t> {
    BERTH_ASSIGN_OR_RETURN(SqlRows rows,
                           c.Exec("SELECT rev, compact_rev FROM berth_revision WHERE id = 1"));
    if (rows.empty()) return Status::Internal("berth_revision has no row");
    return rows.front().Int(static_cast<size_t>(column));
  });
}

Result<int64_t> SqlStore::CurrentRevision() {
  return ReadCounter(0);
}

Result<int64_t> SqlStore::CompactedRevision() {
  return ReadCounter(1);
}

Status SqlStore::Compact(int64_t revision) {
  return writes_->Run(dialect_.begin_write, [&](SqlConnection& c) -> Status {
    // A no-op UPDATE takes the same lock as a write, so the log and the
    // counters change together.
    BERTH_ASSIGN_OR_RETURN(
        SqlRows rows,
        c.Exec("UPDATE berth_revision SET rev = rev WHERE id = 1 RETURNING rev, compact_rev"));
    if (rows.empty()) return Status::Internal("berth_revision has no row");
    const int64_t target = std::min(revision, rows.front().Int(0));
    if (target <= rows.front().Int(1)) return Status::Ok();
    BERTH_RETURN_IF_ERROR(c.Exec("DELETE FROM berth_log WHERE revision <= ?", {target}).status());
    return c.Exec("UPDATE berth_revision SET compact_rev = ? WHERE id = 1", {target}).status();
  });
}

Status SqlStore::Ping() {
  return reads_->Run("", [](SqlConnection& c) { return c.Exec("SELECT 1").status(); });
}

}  // namespace berth::store::sql
