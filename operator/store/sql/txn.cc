#include "operator/store/sql/txn.h"

#include <thread>

namespace berth::store::sql {

Status TxnRunner::Run(std::string_view begin, const std::function<Status(SqlConnection&)>& work) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
  auto backoff = std::chrono::milliseconds(1);
  int reconnects = 0;
  for (;;) {
    Result<ConnectionPool::Lease> lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    SqlConnection& conn = **lease;
    bool commit_sent = false;
    Status st = [&]() -> Status {
      if (!begin.empty()) BERTH_RETURN_IF_ERROR(conn.Begin(begin));
      Status s = work(conn);
      if (!s.ok()) {
        if (!begin.empty()) conn.Rollback();
        return s;
      }
      if (begin.empty()) return s;
      commit_sent = true;
      s = conn.Commit();
      if (!s.ok() && !conn.IsBroken()) conn.Rollback();  // e.g. SQLite: still open after BUSY
      return s;
    }();
    if (st.ok()) return st;
    if (conn.IsBroken()) {
      if (commit_sent && !read_only_) {
        return Status::Unavailable(
            "database connection lost during commit; the write may or may not have happened: " +
            st.message());
      }
      if (++reconnects > 3) return st;
      continue;  // the lease drops the broken connection; the next is fresh
    }
    if (st.code() != Code::kTimeout) return st;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("database busy for longer than " +
                                 std::to_string(busy_timeout_.count()) + "ms: " + st.message());
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace berth::store::sql
