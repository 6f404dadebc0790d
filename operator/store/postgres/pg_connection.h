// PostgreSQL adapter: an SqlConnection over one libpqxx connection, and the
// PostgreSQL Dialect. `?` placeholders are rewritten to `$n`; BYTEA values
// travel as hex text. Every session runs with synchronous_commit=on (an
// acknowledged commit is flushed to the server's WAL) and lock_timeout =
// busy_timeout, so a writer waiting for the store's lock fails with the
// retryable kTimeout instead of waiting forever. libpqxx exceptions never
// leave this adapter. A connection that broke stays broken (pqxx's automatic
// reactivation is never reached: the pool discards it).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "operator/common/result.h"
#include "operator/store/sql/connection.h"
#include "operator/store/sql/dialect.h"

namespace berth::store::postgres {

// Connects to the libpq URL `url` (postgresql://user:pass@host:port/db...).
// Unavailable when the server cannot be reached or refuses the login.
Result<std::unique_ptr<sql::SqlConnection>> Connect(const std::string& url,
                                                    std::chrono::milliseconds busy_timeout);

const sql::Dialect& PostgresDialect();

// `sql` with each `?` outside quotes replaced by $1, $2, ... (exposed for tests).
std::string NumberPlaceholders(std::string_view sql);

}  // namespace berth::store::postgres
