// The PostgreSQL dialect: data only (see sql/dialect.h).
#include "operator/store/postgres/pg_connection.h"

namespace berth::store::postgres {

const sql::Dialect& PostgresDialect() {
  static const sql::Dialect dialect{
      .name = "postgresql",
      .migrations =
          {
              // 1: the counter row, current state and the change log. Keys use
              // the "C" collation: byte order, as the Store contract says.
              {
                  "CREATE TABLE berth_revision (id INTEGER PRIMARY KEY CHECK (id = 1),"
                  " rev BIGINT NOT NULL, compact_rev BIGINT NOT NULL)",
                  "INSERT INTO berth_revision (id, rev, compact_rev) VALUES (1, 0, 0)",
                  "CREATE TABLE berth_objects (key TEXT COLLATE \"C\" PRIMARY KEY,"
                  " value BYTEA NOT NULL, create_revision BIGINT NOT NULL,"
                  " mod_revision BIGINT NOT NULL)",
                  "CREATE TABLE berth_log (revision BIGINT PRIMARY KEY,"
                  " key TEXT COLLATE \"C\" NOT NULL, type SMALLINT NOT NULL, value BYTEA NOT NULL,"
                  " create_revision BIGINT NOT NULL, prev_revision BIGINT NOT NULL)",
              },
              // 2: backlog reads of one prefix (Watch from an old revision).
              {"CREATE INDEX berth_log_key ON berth_log (key, revision)"},
          },
      // The advisory lock (held to the end of the transaction) keeps two
      // processes starting at once from migrating concurrently.
      .begin_migration = {"BEGIN", "SELECT pg_advisory_xact_lock(4242031337)",
                          "CREATE TABLE IF NOT EXISTS berth_meta (key TEXT COLLATE \"C\""
                          " PRIMARY KEY, value TEXT NOT NULL)"},
      .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
      // READ COMMITTED: after the counter-row UPDATE has waited for the lock,
      // each later statement sees every write committed before it.
      .begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED",
      .notify = "NOTIFY berth_changes",
      .notify_channel = "berth_changes",
      // SQLSTATE first, then its class.
      .errors =
          {
              {"23505", Code::kAlreadyExists},      // unique_violation
              {"40001", Code::kTimeout},            // serialization_failure
              {"40P01", Code::kTimeout},            // deadlock_detected
              {"55P03", Code::kTimeout},            // lock_not_available (lock_timeout)
              {"53100", Code::kResourceExhausted},  // disk_full
              {"53200", Code::kResourceExhausted},  // out_of_memory
              {"53300", Code::kUnavailable},        // too_many_connections
              {"53", Code::kResourceExhausted},     // insufficient resources
              {"08", Code::kUnavailable},           // connection exception
              {"57", Code::kUnavailable},           // operator intervention (shutdown)
              {"58", Code::kUnavailable},           // system error (I/O)
              {"3D", Code::kUnavailable},           // database does not exist
              {"28", Code::kUnavailable},           // invalid authorization
              {"22", Code::kBadRequest},            // data exception (e.g. bad UTF-8)
          },
  };
  return dialect;
}

}  // namespace berth::store::postgres
