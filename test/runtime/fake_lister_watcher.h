// FakeListerWatcher: a scripted ListerWatcher for informer tests. Lists answer
// from a queue of results (the last one repeats); each Watch() creates a
// FakeWatch the test feeds with events or errors. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/runtime/informer.h"

namespace berth::runtime::testing {

class FakeWatch final : public registry::ObjectWatch {
 public:
  void Push(Result<registry::WatchEvent> ev) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(ev));
    cv_.notify_all();
  }
  Result<registry::WatchEvent> Next(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return stopped_ || !queue_.empty(); });
    if (stopped_) return Status::Cancelled("watch stopped");
    if (queue_.empty()) return Status::Timeout("no event");
    auto ev = std::move(queue_.front());
    queue_.pop_front();
    return ev;
  }
  std::string Progress() const override { return ""; }
  void Stop() override {
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Result<registry::WatchEvent>> queue_;
  bool stopped_ = false;
};

class FakeListerWatcher final : public ListerWatcher {
 public:
  // Shared state the test keeps after the informer took ownership.
  struct State {
    std::mutex mu;
    std::deque<Result<registry::ObjectList>> lists;
    std::vector<std::string> watched_from;  // resource versions passed to Watch
    std::vector<std::shared_ptr<FakeWatch>> watches;
    int list_calls = 0;
    Status watch_error;  // when not OK, Watch fails with it

    void AddList(Result<registry::ObjectList> l) {
      std::lock_guard lock(mu);
      lists.push_back(std::move(l));
    }
    size_t Watches() {
      std::lock_guard lock(mu);
      return watches.size();
    }
    std::shared_ptr<FakeWatch> Watch(size_t i) {
      std::lock_guard lock(mu);
      return watches.at(i);
    }
    int ListCalls() {
      std::lock_guard lock(mu);
      return list_calls;
    }
  };

  explicit FakeListerWatcher(std::shared_ptr<State> state) : state_(std::move(state)) {}

  Result<registry::ObjectList> List() override {
    std::lock_guard lock(state_->mu);
    ++state_->list_calls;
    if (state_->lists.empty()) return Status::Unavailable("no scripted list");
    auto l = state_->lists.front();
    if (state_->lists.size() > 1) state_->lists.pop_front();
    return l;
  }

  Result<std::unique_ptr<registry::ObjectWatch>> Watch(const std::string& rv) override {
    std::lock_guard lock(state_->mu);
    state_->watched_from.push_back(rv);
    if (!state_->watch_error.ok()) return state_->watch_error;
    auto w = std::make_shared<FakeWatch>();
    state_->watches.push_back(w);
    // The informer owns a proxy; the test keeps the shared FakeWatch.
    return std::unique_ptr<registry::ObjectWatch>(std::make_unique<Proxy>(w));
  }

 private:
  class Proxy final : public registry::ObjectWatch {
   public:
    explicit Proxy(std::shared_ptr<FakeWatch> w) : w_(std::move(w)) {}
    Result<registry::WatchEvent> Next(std::chrono::milliseconds t) override { return w_->Next(t); }
    std::string Progress() const override { return w_->Progress(); }
    void Stop() override { w_->Stop(); }

   private:
    std::shared_ptr<FakeWatch> w_;
  };

  std::shared_ptr<State> state_;
};

// A minimal object of kind Widget.
inline api::Object Widget(const std::string& ns, const std::string& name, const std::string& rv,
                          api::Json spec = api::Json::object()) {
  return api::Object(
      api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "Widget"},
                {"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", rv}}},
                {"spec", spec}});
}

inline registry::ObjectList ListOf(std::vector<api::Object> items, const std::string& rv) {
  registry::ObjectList l;
  l.items = std::move(items);
  l.resource_version = rv;
  return l;
}

}  // namespace berth::runtime::testing
