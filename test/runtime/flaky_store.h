// FlakyStore: forwards to a real Store, except that writes can be made to
// fail with Unavailable (the database went away) or to block until released
// (a write stuck behind a lock). For leader-election fault injection.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "operator/store/store.h"

namespace berth::runtime::testing {

class FlakyStore final : public store::Store {
 public:
  explicit FlakyStore(store::Store& real) : real_(real) {}

  void FailWrites(bool fail) { fail_writes_ = fail; }
  void BlockWrites(bool block) {
    std::lock_guard lock(mu_);
    block_ = block;
    cv_.notify_all();
  }
  int blocked_writes() const { return blocked_.load(); }

  Result<store::Record> Create(std::string_view key, std::string_view value) override {
    BERTH_RETURN_IF_ERROR(Gate());
    return real_.Create(key, value);
  }
  Result<store::Record> Update(std::string_view key, std::string_view value,
                               int64_t expected) override {
    BERTH_RETURN_IF_ERROR(Gate());
    return real_.Update(key, value, expected);
  }
  Result<store::Record> Delete(std::string_view key, int64_t expected) override {
    BERTH_RETURN_IF_ERROR(Gate());
    return real_.Delete(key, expected);
  }
  Result<std::vector<store::Record>> Txn(const std::vector<store::TxnOp>& ops) override {
    BERTH_RETURN_IF_ERROR(Gate());
    return real_.Txn(ops);
  }
  Result<store::Record> Get(std::string_view key) override { return real_.Get(key); }
  Result<store::ListResult> List(std::string_view prefix, std::string_view start_after,
                                 int64_t limit) override {
    return real_.List(prefix, start_after, limit);
  }
  Result<int64_t> Count(std::string_view prefix) override { return real_.Count(prefix); }
  Result<std::unique_ptr<store::Watcher>> Watch(std::string_view prefix, int64_t after) override {
    return real_.Watch(prefix, after);
  }
  Result<int64_t> CurrentRevision() override { return real_.CurrentRevision(); }
  Status Compact(int64_t revision) override { return real_.Compact(revision); }
  Result<int64_t> CompactedRevision() override { return real_.CompactedRevision(); }
  std::string Backend() const override { return real_.Backend(); }
  Status Ping() override { return real_.Ping(); }

 private:
  Status Gate() {
    {
      std::unique_lock lock(mu_);
      if (block_) {
        ++blocked_;
        cv_.wait(lock, [&] { return !block_; });
        --blocked_;
      }
    }
    if (fail_writes_) return Status::Unavailable("injected: database unavailable");
    return Status::Ok();
  }

  store::Store& real_;
  std::atomic<bool> fail_writes_{false};
  std::atomic<int> blocked_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool block_ = false;
};

}  // namespace berth::runtime::testing
