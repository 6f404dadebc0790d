// SqlConnection: the one seam between the generic SQL store and a database
// driver. An adapter (sqlite/, postgres/) implements it; everything above it is
// written once. A connection is used by one thread at a time (the pool hands it
// out); it is not thread-safe.
//
// Statements use positional `?` placeholders. Errors come back as Status, the
// driver's error code translated through the Dialect's error map:
//   kAlreadyExists      unique-constraint violation
//   kTimeout            transient lock or serialization failure: the
//                       transaction did not happen; roll back and run it again
//   kUnavailable        the database cannot be reached or the connection broke
//   kResourceExhausted  disk full, out of memory
//   kInternal/kBadRequest anything else
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "operator/common/result.h"

namespace berth::store::sql {

// Bytes stored in a BLOB/BYTEA column (values may be arbitrary bytes).
struct Blob {
  std::string_view bytes;
};

// A bound parameter: integer, text, or blob.
using SqlParam = std::variant<int64_t, std::string_view, Blob>;

// One result row; NULL columns are nullopt, integers are decimal text, blobs
// their raw bytes.
struct SqlRow {
  std::vector<std::optional<std::string>> columns;

  // The column as text ("" for NULL).
  const std::string& Text(size_t i) const;
  // The column as an integer (0 for NULL or junk; the schema rules junk out).
  int64_t Int(size_t i) const;
};

using SqlRows = std::vector<SqlRow>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs one statement with `params` bound to its `?` placeholders and
  // returns every row it produced.
  Result<SqlRows> Exec(std::string_view sql, const std::vector<SqlParam>& params = {}) {
    return DoExec(sql, params);
  }

  // Transaction control. `begin_sql` comes from the Dialect. A failed Commit
  // on a broken connection means the outcome is unknown (IsBroken() is true).
  Status Begin(std::string_view begin_sql) { return Exec(begin_sql).status(); }
  Status Commit() { return Exec("COMMIT").status(); }
  // Best effort; a no-op outside a transaction.
  void Rollback();

  // True once the connection failed in a way that makes it unusable; the pool
  // then discards it.
  virtual bool IsBroken() const = 0;

  // Notifications (PostgreSQL LISTEN/NOTIFY). Listen subscribes this
  // connection to `channel`; AwaitNotification waits up to `timeout` and
  // returns how many notifications arrived (0: timed out). Adapters without
  // notifications return BadRequest.
  virtual Status Listen(std::string_view channel);
  virtual Result<int> AwaitNotification(std::chrono::milliseconds timeout);

 protected:
  virtual Result<SqlRows> DoExec(std::string_view sql, const std::vector<SqlParam>& params) = 0;
};

// Opens a new connection to the store's database.
using Connector = std::function<Result<std::unique_ptr<SqlConnection>>()>;

}  // namespace berth::store::sql
