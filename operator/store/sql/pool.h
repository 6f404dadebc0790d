// ConnectionPool: at most `max_size` connections from one Connector, handed
// out one caller at a time. Connections are opened lazily; a connection that
// reports IsBroken() when returned is closed, so the next caller gets a fresh
// one. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "operator/common/result.h"
#include "operator/store/sql/connection.h"

namespace berth::store::sql {

class ConnectionPool {
 public:
  // Exclusive use of one connection until destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqlConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    SqlConnection& operator*() const { return *conn_; }
    SqlConnection* operator->() const { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> conn_;
  };

  ConnectionPool(Connector connect, size_t max_size);

  // Waits for a free connection, opening one if the pool is below its size.
  // Unavailable when a new connection cannot be opened.
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<SqlConnection> conn);

  Connector connect_;
  const size_t max_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
  size_t open_ = 0;  // idle plus leased
};

}  // namespace berth::store::sql
