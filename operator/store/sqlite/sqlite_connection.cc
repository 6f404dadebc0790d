#include "operator/store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <cerrno>
#include <map>
#include <thread>

#include "operator/common/strings.h"

namespace berth::store::sqlite {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteConnection final : public sql::SqlConnection {
 public:
  SqliteConnection(DbPtr db, std::chrono::milliseconds busy_timeout)
      : db_(std::move(db)), busy_timeout_(busy_timeout) {
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_handler(db_.get(), &SqliteConnection::OnBusy, this);
  }

  bool IsBroken() const override { return false; }  // a file handle does not break

 protected:
  Result<sql::SqlRows> DoExec(std::string_view sql,
                              const std::vector<sql::SqlParam>& params) override {
    Result<sqlite3_stmt*> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    sqlite3_stmt* st = *stmt;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(st, idx, *n);
      } else if (const auto* s = std::get_if<std::string_view>(&params[i])) {
        rc = sqlite3_bind_text64(st, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else {
        const sql::Blob& b = std::get<sql::Blob>(params[i]);
        rc = sqlite3_bind_blob64(st, idx, b.bytes.data(), b.bytes.size(), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return Error(rc, sql);
    }
    sql::SqlRows rows;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Status err = Error(rc, sql);
        sqlite3_reset(st);
        return err;
      }
      sql::SqlRow row;
      int n = sqlite3_column_count(st);
      row.columns.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_NULL: row.columns.emplace_back(std::nullopt); break;
          case SQLITE_INTEGER:
            row.columns.emplace_back(std::to_string(sqlite3_column_int64(st, c)));
            break;
          default: {
            const void* data = sqlite3_column_blob(st, c);
            int size = sqlite3_column_bytes(st, c);
            row.columns.emplace_back(
                std::string(static_cast<const char*>(data), static_cast<size_t>(size)));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(st);  // releases the statement's read lock at once
    return rows;
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second.get();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return Error(rc, sql);
    }
    StmtPtr stmt(raw);
    cache_.emplace(std::string(sql), std::move(stmt));
    return raw;
  }

  Status Error(int rc, std::string_view sql) const {
    int code = sqlite3_extended_errcode(db_.get());
    if (code == SQLITE_OK) code = rc;
    // A write that failed for want of disk space can surface as an I/O error.
    if (sqlite3_system_errno(db_.get()) == ENOSPC) code = SQLITE_FULL;
    Code mapped = SqliteDialect().MapError(std::to_string(code), std::to_string(code & 0xff));
    std::string msg = "sqlite: ";
    msg += sqlite3_errmsg(db_.get());
    msg += " (code " + std::to_string(code) + ")";
    return Status(mapped, msg);
  }

  // The busy handler: sleeps briefly and asks SQLite to try again until the
  // connection's busy timeout has passed since the first attempt.
  static int OnBusy(void* self, int count) {
    auto* conn = static_cast<SqliteConnection*>(self);
    auto now = std::chrono::steady_clock::now();
    if (count == 0) conn->busy_since_ = now;
    if (now - conn->busy_since_ >= conn->busy_timeout_) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(count < 10 ? 100 : 1000));
    return 1;
  }

  DbPtr db_;
  std::chrono::milliseconds busy_timeout_;
  std::chrono::steady_clock::time_point busy_since_;
  std::map<std::string, StmtPtr, std::less<>> cache_;
};

}  // namespace

Result<std::unique_ptr<sql::SqlConnection>> Connect(const std::string& path,
                                                    std::chrono::milliseconds busy_timeout) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    return Status::Unavailable("sqlite: cannot open " + path + ": " + msg);
  }
  auto conn = std::make_unique<SqliteConnection>(std::move(db), busy_timeout);
  const bool memory = path == ":memory:";
  // WAL: readers never block the writer; synchronous=FULL: the WAL is synced
  // at every commit, so an acknowledged write survives power loss.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=OFF"}) {
    if (memory && std::string_view(pragma) == "PRAGMA journal_mode=WAL") continue;
    Result<sql::SqlRows> r = conn->Exec(pragma);
    if (!r.ok()) return r.status().Prefixed("sqlite: " + path);
    if (!r->empty() && r->front().Text(0) != "wal" && StartsWith(pragma, "PRAGMA journal")) {
      return Status::Unavailable("sqlite: " + path + ": cannot use WAL journal mode (got " +
                                 r->front().Text(0) + ")");
    }
  }
  return std::unique_ptr<sql::SqlConnection>(std::move(conn));
}

}  // namespace berth::store::sqlite
