// Informer: keeps an in-memory cache of one kind's objects in step with the
// registry and tells handlers what changed.
//
// A background thread Lists the kind, then Watches from the list's
// resourceVersion. When the watch fails (Gone after compaction, Unavailable
// when the database is down, anything else) it re-lists and re-watches, with
// backoff (100 ms doubling to 10 s, 20 % jitter) after consecutive failures.
// A re-list replaces the cache: new keys are adds, changed resourceVersions
// updates, keys that vanished deletions. Every `resync_period` every cached
// object is passed to on_update(obj, obj), so controllers revisit everything.
//
// Time comes from the injected Clock. The thread blocks inside the watch, so
// it re-reads the clock at least every `check_interval` (1 s; tests with a
// FakeClock set it to a few milliseconds and poll for the effect).
//
// Thread-safe; AddHandler only before Start.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/clock.h"
#include "operator/common/result.h"
#include "operator/registry/registry.h"
#include "operator/runtime/backoff.h"
#include "operator/runtime/handler.h"
#include "operator/runtime/sleeper.h"

namespace berth::runtime {

// The seam between an informer and the registry: List and Watch of one kind.
// Tests inject fakes to script failures.
class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  virtual Result<registry::ObjectList> List() = 0;
  // Changes after `resource_version`.
  virtual Result<std::unique_ptr<registry::ObjectWatch>> Watch(
      const std::string& resource_version) = 0;
};

// List/Watch of `kind` in `ns` ("" for every namespace) filtered by
// `label_selector`, through `registry`, which must outlive it.
std::unique_ptr<ListerWatcher> NewRegistryListerWatcher(registry::Registry& registry,
                                                        std::string kind, std::string ns = "",
                                                        std::string label_selector = "");

struct InformerOptions {
  std::string kind;            // "Stack"
  std::string ns;              // "" watches every namespace
  std::string label_selector;  // only objects matching it are cached
  std::chrono::milliseconds resync_period = std::chrono::minutes(5);  // 0: never
  std::chrono::milliseconds check_interval = std::chrono::seconds(1);
  BackoffOptions backoff{std::chrono::milliseconds(100), std::chrono::seconds(10), 0.2};
  Clock* clock = nullptr;  // RealClock() when null
};

class Informer {
 public:
  // Watches through `registry` (which must outlive the informer).
  Informer(registry::Registry& registry, InformerOptions opts);
  Informer(std::unique_ptr<ListerWatcher> lw, InformerOptions opts);
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  const std::string& kind() const { return opts_.kind; }

  // Adds a handler; only before Start().
  void AddHandler(EventHandler handler);
  // Starts the list/watch thread. Internal when called twice.
  Status Start();
  // Stops the watch and joins the thread. Idempotent.
  void Stop();

  // True once the first list has been cached and handed to the handlers.
  bool HasSynced() const;
  // Waits (real time) for HasSynced; false on timeout or Stop().
  bool WaitForSync(std::chrono::milliseconds timeout);

  // Cached reads: copies of the last state seen. Reconcilers that need
  // read-your-writes must read the registry instead.
  std::optional<api::Object> Get(const api::ObjectRef& ref) const;
  // Every cached object in `ns` ("" for all), sorted by key.
  std::vector<api::Object> List(std::string_view ns = "") const;
  std::vector<api::Object> List(const std::function<bool(const api::Object&)>& pred) const;
  size_t Size() const;

  // Passes every cached object to on_update(obj, obj) now, on the calling
  // thread (the periodic resync does this on the informer thread). Must not be
  // called from a handler.
  void Resync();

 private:
  using Ptr = std::shared_ptr<const api::Object>;
  void Run();
  // One list + watch session; returns when the watch ends (false: stopping).
  bool ListAndWatch(int* failures);
  void ReplaceCache(std::vector<api::Object> items);
  void OnAdd(const api::Object& obj);
  void OnUpdate(const api::Object& old_obj, const api::Object& new_obj);
  void OnDelete(const api::Object& obj);
  void Apply(registry::WatchEvent ev);
  void MaybeResync();

  InformerOptions opts_;
  Clock& clock_;
  std::unique_ptr<ListerWatcher> lw_;
  std::vector<EventHandler> handlers_;
  std::mutex handler_mu_;  // one handler call at a time, whichever thread calls
  Sleeper sleeper_;

  mutable std::shared_mutex cache_mu_;
  std::map<std::string, Ptr> cache_;  // key: ObjectRef::ToString()

  mutable std::mutex mu_;  // guards the fields below
  std::condition_variable synced_cv_;
  bool synced_ = false;
  bool started_ = false;
  bool stopping_ = false;
  registry::ObjectWatch* watch_ = nullptr;  // the live watch, owned by the thread
  std::thread thread_;

  Clock::SteadyTime next_resync_{};
};

}  // namespace berth::runtime
