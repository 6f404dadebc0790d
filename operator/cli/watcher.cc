#include "operator/cli/watcher.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

namespace berth::cli {
namespace {

std::string Key(const api::Object& o) {
  return o.ns() + "/" + o.name();
}

bool Expired(const Deadline& d) {
  return d && std::chrono::steady_clock::now() >= *d;
}

constexpr std::chrono::milliseconds kRetryFirst{500};
constexpr std::chrono::milliseconds kRetryMax{5000};

}  // namespace

Status ListAndWatch(ApiClient& client, const api::KindInfo& kind, const std::string& ns,
                    const ListWatchOptions& options,
                    const std::function<bool(const ObjectList&)>& on_list,
                    const std::function<bool(const WatchEvent&)>& on_event) {
  ListOptions lo;
  lo.label_selector = options.label_selector;
  lo.field_selector = options.field_selector;
  BERTH_ASSIGN_OR_RETURN(ObjectList list, client.List(kind, ns, lo));
  std::map<std::string, api::Object> known;
  for (const auto& o : list.items) known[Key(o)] = o;
  if (!on_list(list)) return Status::Ok();
  std::string rv = list.resource_version;

  auto backoff = kRetryFirst;
  // Waits before the next attempt after an Unavailable; false past the deadline.
  auto pause = [&] {
    auto until = std::chrono::steady_clock::now() + backoff;
    if (options.deadline && *options.deadline < until) return false;
    std::this_thread::sleep_until(until);
    backoff = std::min(backoff * 2, kRetryMax);
    return true;
  };
  bool stopped = false;
  while (!stopped) {
    if (Expired(options.deadline)) return Status::Timeout("deadline exceeded");
    WatchOptions wo;
    wo.resource_version = rv;
    wo.label_selector = options.label_selector;
    wo.field_selector = options.field_selector;
    wo.timeout_seconds = 300;
    wo.deadline = options.deadline;
    auto started = std::chrono::steady_clock::now();
    Status st = client.Watch(kind, ns, wo, [&](const WatchEvent& ev) {
      backoff = kRetryFirst;
      std::string ev_rv = ev.object.resource_version();
      if (!ev_rv.empty()) rv = ev_rv;
      if (ev.type == "BOOKMARK") return true;
      if (ev.type == "DELETED") {
        known.erase(Key(ev.object));
      } else {
        known[Key(ev.object)] = ev.object;
      }
      if (!on_event(ev)) {
        stopped = true;
        return false;
      }
      return true;
    });
    if (stopped) return Status::Ok();
    if (st.code() == Code::kUnavailable) {
      // Resume from the last version seen once the server can serve again.
      if (!pause()) return st;
      continue;
    }
    if (st.code() == Code::kGone) {
      // Compacted: list again and report what changed meanwhile.
      auto listed = client.List(kind, ns, lo);
      if (!listed.ok() && listed.status().code() == Code::kUnavailable) {
        if (!pause()) return listed.status();
        continue;  // the watch from `rv` answers Gone again, and the list is retried
      }
      BERTH_ASSIGN_OR_RETURN(ObjectList again, std::move(listed));
      rv = again.resource_version;
      std::map<std::string, api::Object> now;
      for (const auto& o : again.items) now[Key(o)] = o;
      for (const auto& [k, o] : now) {
        auto it = known.find(k);
        if (it != known.end() && it->second.resource_version() == o.resource_version()) continue;
        if (!on_event({it == known.end() ? "ADDED" : "MODIFIED", o})) return Status::Ok();
      }
      for (const auto& [k, o] : known) {
        if (!now.count(k) && !on_event({"DELETED", o})) return Status::Ok();
      }
      known = std::move(now);
      continue;
    }
    BERTH_RETURN_IF_ERROR(st);
    // The server ended the stream (its timeout): resume from the last
    // version seen; pause briefly if it ended at once, not to spin.
    if (std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  return Status::Ok();
}

}  // namespace berth::cli
