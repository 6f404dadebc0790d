// The SQLite dialect: data only (see sql/dialect.h).
#include "operator/store/sqlite/sqlite_connection.h"

namespace berth::store::sqlite {

const sql::Dialect& SqliteDialect() {
  static const sql::Dialect dialect{
      .name = "sqlite",
      .migrations =
          {
              // 1: the counter row, current state and the change log.
              {
                  "CREATE TABLE berth_revision (id INTEGER PRIMARY KEY CHECK (id = 1),"
                  " rev INTEGER NOT NULL, compact_rev INTEGER NOT NULL)",
                  "INSERT INTO berth_revision (id, rev, compact_rev) VALUES (1, 0, 0)",
                  "CREATE TABLE berth_objects (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
                  " create_revision INTEGER NOT NULL, mod_revision INTEGER NOT NULL)",
                  "CREATE TABLE berth_log (revision INTEGER PRIMARY KEY, key TEXT NOT NULL,"
                  " type INTEGER NOT NULL, value BLOB NOT NULL,"
                  " create_revision INTEGER NOT NULL, prev_revision INTEGER NOT NULL)",
              },
              // 2: backlog reads of one prefix (Watch from an old revision).
              {"CREATE INDEX berth_log_key ON berth_log (key, revision)"},
          },
      .begin_migration = {"BEGIN IMMEDIATE",
                          "CREATE TABLE IF NOT EXISTS berth_meta (key TEXT PRIMARY KEY,"
                          " value TEXT NOT NULL)"},
      // A deferred transaction: its snapshot is taken by the first SELECT.
      .begin_read = "BEGIN",
      // Takes the database's write lock now, waiting in the busy handler,
      // rather than failing later when a read lock would need upgrading.
      .begin_write = "BEGIN IMMEDIATE",
      .notify = "",
      .notify_channel = "",
      // Extended result codes first, then primary ones.
      .errors =
          {
              {"2067", Code::kAlreadyExists},    // SQLITE_CONSTRAINT_UNIQUE
              {"1555", Code::kAlreadyExists},    // SQLITE_CONSTRAINT_PRIMARYKEY
              {"5", Code::kTimeout},             // SQLITE_BUSY (and its extended codes)
              {"6", Code::kTimeout},             // SQLITE_LOCKED
              {"13", Code::kResourceExhausted},  // SQLITE_FULL (the adapter maps ENOSPC here)
              {"7", Code::kResourceExhausted},   // SQLITE_NOMEM
              {"10", Code::kUnavailable},        // SQLITE_IOERR
              {"14", Code::kUnavailable},        // SQLITE_CANTOPEN
              {"8", Code::kUnavailable},         // SQLITE_READONLY
              {"11", Code::kUnavailable},        // SQLITE_CORRUPT
              {"26", Code::kUnavailable},        // SQLITE_NOTADB
              {"15", Code::kUnavailable},        // SQLITE_PROTOCOL
              {"18", Code::kBadRequest},         // SQLITE_TOOBIG
          },
  };
  return dialect;
}

}  // namespace berth::store::sqlite
