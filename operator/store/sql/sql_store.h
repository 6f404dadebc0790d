// SqlStore: the Store, written once over SqlConnection + Dialect.
//
// Every write is one transaction on the writers' pool: BEGIN (the dialect's
// write form), raise the counter row (`UPDATE berth_revision SET rev = rev + 1
// ... RETURNING rev`: on PostgreSQL this row lock serializes writers, so
// revisions commit in order), check the precondition against berth_objects,
// change berth_objects, append berth_log, NOTIFY when the dialect has it,
// COMMIT. Reads run on the readers' pool; List in one snapshot transaction.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "operator/store/sql/connection.h"
#include "operator/store/sql/dialect.h"
#include "operator/store/sql/pool.h"
#include "operator/store/sql/txn.h"
#include "operator/store/sql/watch_hub.h"
#include "operator/store/store.h"

namespace berth::store::sql {

struct SqlStoreConfig {
  const Dialect* dialect = nullptr;  // required; outlives the store
  Connector connect;                 // opens a connection to the database
  size_t writers = 1;                // connections for writes
  size_t readers = 4;                // connections for reads and the watch hub
  bool shared_pool = false;          // one pool of `writers` for everything
};

class SqlStore final : public Store {
 public:
  // Connects, migrates the schema to the newest version and starts the
  // watch hub. Unavailable when the database cannot be reached.
  static Result<std::unique_ptr<SqlStore>> Open(SqlStoreConfig config, const Options& options);
  // Not connected yet; use Open.
  SqlStore(SqlStoreConfig config, const Options& options);
  ~SqlStore() override;

  Result<Record> Create(std::string_view key, std::string_view value) override;
  Result<Record> Update(std::string_view key, std::string_view value,
                        int64_t expected_revision) override;
  Result<Record> Delete(std::string_view key, int64_t expected_revision) override;
  Result<std::vector<Record>> Txn(const std::vector<TxnOp>& ops) override;
  Result<Record> Get(std::string_view key) override;
  Result<ListResult> List(std::string_view prefix, std::string_view start_after,
                          int64_t limit) override;
  Result<int64_t> Count(std::string_view prefix) override;
  Result<std::unique_ptr<Watcher>> Watch(std::string_view prefix, int64_t after_revision) override;
  Result<int64_t> CurrentRevision() override;
  Status Compact(int64_t revision) override;
  Result<int64_t> CompactedRevision() override;
  std::string Backend() const override { return dialect_.name; }
  Status Ping() override;

 private:
  enum class Op { kCreate, kUpdate, kDelete };

  Result<Record> Write(Op op, std::string_view key, std::string_view value, int64_t expected);
  Result<Record> WriteInTxn(SqlConnection& c, Op op, std::string_view key, std::string_view value,
                            int64_t expected);
  Result<int64_t> ReadCounter(int column);

  const Dialect& dialect_;
  const Options options_;
  SqlStoreConfig config_;
  std::unique_ptr<ConnectionPool> write_pool_;
  std::unique_ptr<ConnectionPool> read_pool_;  // null when shared
  std::unique_ptr<TxnRunner> writes_;
  std::unique_ptr<TxnRunner> reads_;
  std::unique_ptr<WatchHub> hub_;
};

}  // namespace berth::store::sql
