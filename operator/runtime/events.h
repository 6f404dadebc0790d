// EventRecorder: records what controllers did and why as Event objects
// (kind Event, like events.k8s.io/v1), which `berth events` and
// `berth describe` show.
//
// !!! SECURITY: the note is stored and shown in clear to anyone who can read
// !!! Events. NEVER put a secret value, token, password, connection string
// !!! with credentials, environment value or config file content in a note or
// !!! reason. The recorder cannot tell; pass identities and reasons only
// !!! ("pulled image postgres:15", "recreated container share_gptload: spec
// !!! changed"), and run URLs through store::RedactUrl first.
//
// Recording never blocks a reconciler for long and never fails it: Record()
// only queues the event (bounded; beyond `max_pending` events are dropped and
// logged) and a background thread writes it. Write failures are logged, not
// returned.
//
// Deduplication: the same (regarding uid, type, reason, note) seen again
// within `dedup_window` (10 min) of its last occurrence updates the existing
// Event's series {count, lastObservedTime} instead of creating a new one; if
// that Event is gone (or the update fails), a new one is created.
//
// Event fields: metadata {name "<regarding-name>.<16 hex>", namespace of the
// regarding object ("default" for cluster-scoped ones)}, regarding
// {apiVersion, kind, namespace, name, uid}, reason, note (at most 1024 bytes,
// truncated on a UTF-8 boundary), type Normal|Warning, action,
// reportingController, reportingInstance, eventTime (RFC 3339 micro),
// series {count, lastObservedTime} from the second occurrence on.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>

#include "operator/api/object.h"
#include "operator/common/clock.h"
#include "operator/common/status.h"
#include "operator/registry/registry.h"

namespace berth::runtime {

inline constexpr size_t kMaxEventNote = 1024;

// Where events are written. The registry-backed sink is NewRegistryEventSink;
// tests inject fakes.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Status Create(const api::Object& event) = 0;
  // Sets series {count, lastObservedTime} on the Event `ns`/`name`; NotFound
  // when it no longer exists.
  virtual Status UpdateSeries(const std::string& ns, const std::string& name, int64_t count,
                              const std::string& last_observed_time) = 0;
};

// `registry` must outlive the sink.
std::unique_ptr<EventSink> NewRegistryEventSink(registry::Registry& registry);

enum class EventType { kNormal, kWarning };

struct EventRecorderOptions {
  std::string reporting_controller = "berth.dev/controllers";  // e.g. "berth.dev/stack-controller"
  std::string reporting_instance;                              // hostname when empty
  Clock* clock = nullptr;                                      // RealClock() when null
  std::chrono::milliseconds dedup_window = std::chrono::minutes(10);
  size_t max_pending = 1000;  // queued, not yet written
  size_t max_series = 4096;   // remembered for deduplication
};

class EventRecorder {
 public:
  EventRecorder(std::unique_ptr<EventSink> sink, EventRecorderOptions opts);
  // Writes through `registry`, which must outlive the recorder.
  EventRecorder(registry::Registry& registry, EventRecorderOptions opts);
  // Writes what is still queued (for at most 2 s), then stops.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues an Event about `regarding` (its apiVersion, kind, namespace, name
  // and uid are copied). `reason` is UpperCamelCase ("Pulled", "BackOff");
  // `action` what was done ("Create", "Recreate"). No secrets in `note`.
  void Record(const api::Object& regarding, EventType type, std::string_view reason,
              std::string_view action, std::string_view note);
  // The same for an object known only by reference (e.g. already deleted).
  void Record(const api::ObjectRef& regarding, EventType type, std::string_view reason,
              std::string_view action, std::string_view note);

  // Waits (real time) until every queued event has been written or dropped.
  bool Flush(std::chrono::milliseconds timeout);

 private:
  struct Pending {
    api::Json regarding;
    std::string uid_or_ref;  // dedup identity of the regarding object
    EventType type;
    std::string reason, action, note;
    Clock::WallTime time;
  };
  struct Series {
    std::string ns, name;
    int64_t count = 1;
    Clock::WallTime last{};
  };
  using SeriesKey = std::tuple<std::string, EventType, std::string, std::string>;

  void Enqueue(Pending p);
  void Run();
  void Write(const Pending& p);
  void CreateNew(const Pending& p, const SeriesKey& key);
  void TrimSeries(Clock::WallTime now);

  std::unique_ptr<EventSink> sink_;
  EventRecorderOptions opts_;
  Clock& clock_;

  std::mutex mu_;
  std::condition_variable cv_;       // work queued, or stopping
  std::condition_variable idle_cv_;  // queue drained
  std::deque<Pending> pending_;
  bool writing_ = false;
  bool stopping_ = false;
  uint64_t dropped_ = 0;

  std::map<SeriesKey, Series> series_;  // only the writer thread touches it
  std::thread thread_;
};

// `note` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string TruncateUtf8(std::string_view note, size_t max);

}  // namespace berth::runtime
