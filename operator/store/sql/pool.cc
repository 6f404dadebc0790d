#include "operator/store/sql/pool.h"

namespace berth::store::sql {

ConnectionPool::Lease::~Lease() {
  if (conn_ && pool_) pool_->Release(std::move(conn_));
}

ConnectionPool::ConnectionPool(Connector connect, size_t max_size)
    : connect_(std::move(connect)), max_size_(max_size == 0 ? 1 : max_size) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
    if (!idle_.empty()) {
      std::unique_ptr<SqlConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot; connect outside the lock
  }
  Result<std::unique_ptr<SqlConnection>> conn = connect_();
  if (!conn.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    cv_.notify_one();
    return conn.status();
  }
  return Lease(this, std::move(conn).value());
}

void ConnectionPool::Release(std::unique_ptr<SqlConnection> conn) {
  std::lock_guard lock(mu_);
  if (conn->IsBroken()) {
    conn.reset();
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

}  // namespace berth::store::sql
