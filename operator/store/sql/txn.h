// TxnRunner: runs a unit of work in a transaction on a pooled connection,
// and retries it when that is safe. Thread-safe (the pool is).
//
// Retried, until `busy_timeout` has passed since the first attempt:
//   - kTimeout from the connection: a lock or serialization failure; the
//     transaction was rolled back, nothing happened.
//   - a connection that broke before COMMIT was sent: the server rolls the
//     transaction back; the work runs again on a fresh connection. A runner
//     for reads (`read_only`) also retries when the break hit the COMMIT.
// Never retried: a write whose connection broke during COMMIT (the outcome
// is unknown: Unavailable is returned, as any database client would), and
// every error of the work itself (Conflict, NotFound, ...). A busy database
// past the deadline is Unavailable.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "operator/common/result.h"
#include "operator/store/sql/connection.h"
#include "operator/store/sql/pool.h"

namespace berth::store::sql {

class TxnRunner {
 public:
  TxnRunner(ConnectionPool& pool, std::chrono::milliseconds busy_timeout, bool read_only)
      : pool_(pool), busy_timeout_(busy_timeout), read_only_(read_only) {}

  // Runs `work` between `begin` (a Dialect statement; empty: no transaction,
  // for single statements) and COMMIT; rolls back when `work` fails.
  Status Run(std::string_view begin, const std::function<Status(SqlConnection&)>& work);

  // As above, for work that produces a value.
  template <typename T>
  Result<T> Get(std::string_view begin, const std::function<Result<T>(SqlConnection&)>& work) {
    std::optional<T> out;
    Status st = Run(begin, [&](SqlConnection& c) -> Status {
      Result<T> r = work(c);
      if (!r.ok()) return r.status();
      out = std::move(r).value();
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return std::move(*out);
  }

 private:
  ConnectionPool& pool_;
  const std::chrono::milliseconds busy_timeout_;
  const bool read_only_;
};

}  // namespace berth::store::sql
