// SQLite adapter: an SqlConnection over one sqlite3 handle, and the SQLite
// Dialect. Every connection runs in WAL mode with synchronous=FULL, so a
// commit that returned is on disk, and waits for a locked database up to
// `busy_timeout` (its own busy handler) before a statement fails with the
// retryable kTimeout.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "operator/common/result.h"
#include "operator/store/sql/connection.h"
#include "operator/store/sql/dialect.h"

namespace berth::store::sqlite {

// Opens (creating it if missing) the database file at `path`, or a private
// in-memory database when `path` is ":memory:". Unavailable when the file
// cannot be opened.
Result<std::unique_ptr<sql::SqlConnection>> Connect(const std::string& path,
                                                    std::chrono::milliseconds busy_timeout);

const sql::Dialect& SqliteDialect();

}  // namespace berth::store::sqlite
