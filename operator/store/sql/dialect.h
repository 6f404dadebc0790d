// Dialect: what one database needs that the generic SQL store cannot know.
// Data, not code: DDL, a few statement strings, and an error-code map. The
// store's queries themselves are written once (sql_store.cc, watch_hub.cc) in
// the SQL both SQLite 3.35+ and PostgreSQL accept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "operator/common/status.h"

namespace berth::store::sql {

// Maps a driver error code (SQLite extended/primary result code in decimal,
// PostgreSQL SQLSTATE or its two-character class) to a Status code.
struct ErrorRule {
  std::string code;
  Code status;
};

struct Dialect {
  std::string name;  // Store::Backend(): "sqlite" or "postgresql"

  // migrations[i] takes the schema from version i to i + 1; each entry is a
  // list of statements run in the migration transaction.
  std::vector<std::vector<std::string>> migrations;
  // Starts the migration transaction and excludes other migrating processes.
  std::vector<std::string> begin_migration;

  // Starts a read-only transaction that sees one snapshot.
  std::string begin_read;
  // Starts a write transaction. The store's first statement in it is
  // kLockStatement (sql_store.cc), which on PostgreSQL takes the row lock
  // that serializes writers; SQLite's BEGIN IMMEDIATE already holds the lock.
  std::string begin_write;
  // Run inside every write transaction after its changes, or empty. Delivered
  // to listeners on `notify_channel` when the transaction commits.
  std::string notify;
  std::string notify_channel;

  // Looked up by exact code first, then by `code_class`.
  std::vector<ErrorRule> errors;

  // The Status code for a driver error; kInternal when the map has no rule.
  Code MapError(std::string_view code, std::string_view code_class) const;
};

}  // namespace berth::store::sql
