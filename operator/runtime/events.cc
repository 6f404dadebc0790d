#include "operator/runtime/events.h"

#include <unistd.h>

#include "operator/common/log.h"
#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::runtime {
namespace {

constexpr size_t kMaxName = 253;
constexpr size_t kMaxShortField = 128;  // reason, action, reporting*: crds/event.yaml

std::string HostName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "unknown";
  return host;
}

const char* TypeName(EventType t) {
  return t == EventType::kWarning ? "Warning" : "Normal";
}

}  // namespace

std::string TruncateUtf8(std::string_view note, size_t max) {
  if (note.size() <= max) return std::string(note);
  size_t end = max;
  // Back up over continuation bytes (10xxxxxx) so the cut lands on a boundary.
  while (end > 0 && (static_cast<unsigned char>(note[end]) & 0xC0) == 0x80) --end;
  return std::string(note.substr(0, end));
}

EventRecorder::EventRecorder(std::unique_ptr<EventSink> sink, EventRecorderOptions opts)
    : sink_(std::move(sink)),
      opts_(std::move(opts)),
      clock_(opts_.clock ? *opts_.clock : RealClock()) {
  if (opts_.reporting_instance.empty()) opts_.reporting_instance = HostName();
  opts_.reporting_controller = TruncateUtf8(opts_.reporting_controller, kMaxShortField);
  opts_.reporting_instance = TruncateUtf8(opts_.reporting_instance, kMaxShortField);
  thread_ = std::thread([this] { Run(); });
}

EventRecorder::~EventRecorder() {
  Flush(std::chrono::seconds(2));
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (!pending_.empty()) {
      spdlog::warn("events: dropping {} unwritten events at shutdown", pending_.size());
      pending_.clear();
    }
    cv_.notify_all();
  }
  thread_.join();
}

void EventRecorder::Record(const api::Object& regarding, EventType type, std::string_view reason,
                           std::string_view action, std::string_view note) {
  Pending p;
  p.regarding = {{"apiVersion", regarding.api_version()},
                 {"kind", regarding.kind()},
                 {"name", regarding.name()}};
  if (!regarding.ns().empty()) p.regarding["namespace"] = regarding.ns();
  if (!regarding.uid().empty()) p.regarding["uid"] = regarding.uid();
  p.uid_or_ref = regarding.uid().empty() ? regarding.ref().ToString() : regarding.uid();
  p.type = type;
  p.reason = TruncateUtf8(reason, kMaxShortField);
  p.action = TruncateUtf8(action, kMaxShortField);
  p.note = TruncateUtf8(note, kMaxEventNote);
  p.time = clock_.Now();
  Enqueue(std::move(p));
}

void EventRecorder::Record(const api::ObjectRef& regarding, EventType type, std::string_view reason,
                           std::string_view action, std::string_view note) {
  api::Object o;
  o.json()["apiVersion"] = api::kApiVersion;
  o.json()["kind"] = regarding.kind;
  o.set_name(regarding.name);
  if (!regarding.ns.empty()) o.set_ns(regarding.ns);
  Record(o, type, reason, action, note);
}

void EventRecorder::Enqueue(Pending p) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  if (pending_.size() >= opts_.max_pending) {
    if (dropped_++ % 100 == 0) {
      spdlog::warn("events: queue full ({} pending); dropped {} events so far, latest {} {}",
                   pending_.size(), dropped_, p.reason, p.uid_or_ref);
    }
    return;
  }
  pending_.push_back(std::move(p));
  cv_.notify_one();
}

bool EventRecorder::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return pending_.empty() && !writing_; });
}

void EventRecorder::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping and drained
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    writing_ = true;
    lock.unlock();
    Write(p);
    lock.lock();
    writing_ = false;
    if (pending_.empty()) idle_cv_.notify_all();
  }
}

void EventRecorder::Write(const Pending& p) {
  SeriesKey key{p.uid_or_ref, p.type, p.reason, p.note};
  auto it = series_.find(key);
  if (it != series_.end() && p.time - it->second.last <= opts_.dedup_window) {
    Series& s = it->second;
    Status st = sink_->UpdateSeries(s.ns, s.name, s.count + 1, FormatRfc3339Micro(p.time));
    if (st.ok()) {
      ++s.count;
      s.last = p.time;
      return;
    }
    if (st.code() != Code::kNotFound) {
      spdlog::warn("events: cannot update event {}/{}: {}; creating a new one", s.ns, s.name,
                   st.ToString());
    }
  }
  CreateNew(p, key);
}

void EventRecorder::CreateNew(const Pending& p, const SeriesKey& key) {
  std::string regarding_name = p.regarding.value("name", "");
  std::string suffix = "." + RandomHex(8);
  if (regarding_name.size() + suffix.size() > kMaxName) {
    regarding_name.resize(kMaxName - suffix.size());
  }
  std::string ns = p.regarding.value("namespace", std::string(api::kDefaultNamespace));
  api::Object ev;
  api::Json& j = ev.json();
  j["apiVersion"] = api::kApiVersion;
  j["kind"] = "Event";
  ev.set_name(regarding_name + suffix);
  ev.set_ns(ns);
  j["regarding"] = p.regarding;
  j["reason"] = p.reason;
  j["note"] = p.note;
  j["type"] = TypeName(p.type);
  j["action"] = p.action;
  j["reportingController"] = opts_.reporting_controller;
  j["reportingInstance"] = opts_.reporting_instance;
  j["eventTime"] = FormatRfc3339Micro(p.time);
  Status st = sink_->Create(ev);
  if (!st.ok()) {
    spdlog::warn("events: cannot record {} {} about {}: {}", TypeName(p.type), p.reason,
                 p.uid_or_ref, st.ToString());
    series_.erase(key);
    return;
  }
  TrimSeries(p.time);
  series_[key] = Series{ns, ev.name(), 1, p.time};
}

void EventRecorder::TrimSeries(Clock::WallTime now) {
  if (series_.size() < opts_.max_series) return;
  for (auto it = series_.begin(); it != series_.end();) {
    if (now - it->second.last > opts_.dedup_window)
      it = series_.erase(it);
    else
      ++it;
  }
  // Still full of live series: forget the oldest one.
  while (series_.size() >= opts_.max_series) {
    auto oldest = series_.begin();
    for (auto it = series_.begin(); it != series_.end(); ++it) {
      if (it->second.last < oldest->second.last) oldest = it;
    }
    series_.erase(oldest);
  }
}

}  // namespace berth::runtime
