#include "operator/cli/event_format.h"

#include <algorithm>
#include <optional>

#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::cli {
namespace {

std::optional<std::chrono::system_clock::time_point> TimeAt(const api::Json& j, const char* a,
                                                            const char* b = nullptr) {
  const api::Json* cur = &j;
  for (const char* key : {a, b}) {
    if (key == nullptr) break;
    if (!cur->is_object() || !cur->contains(key)) return std::nullopt;
    cur = &(*cur)[key];
  }
  if (!cur->is_string()) return std::nullopt;
  return ParseRfc3339(cur->get<std::string>());
}

std::chrono::system_clock::time_point FirstSeen(const api::Object& e) {
  if (auto t = TimeAt(e.json(), "eventTime")) return *t;
  if (auto t = TimeAt(e.json(), "metadata", "creationTimestamp")) return *t;
  return {};
}

}  // namespace

std::chrono::system_clock::time_point EventLastSeen(const api::Object& e) {
  if (auto t = TimeAt(e.json(), "series", "lastObservedTime")) return *t;
  return FirstSeen(e);
}

std::string EventObject(const api::Object& e) {
  const api::Json& r = e.json().contains("regarding") ? e.json()["regarding"] : api::Json::object();
  std::string kind = r.is_object() ? ToLower(r.value("kind", "")) : "";
  std::string name = r.is_object() ? r.value("name", "") : "";
  return kind + "/" + name;
}

void SortEvents(std::vector<api::Object>& events) {
  std::stable_sort(events.begin(), events.end(), [](const api::Object& a, const api::Object& b) {
    auto ta = EventLastSeen(a), tb = EventLastSeen(b);
    if (ta != tb) return ta < tb;
    return a.name() < b.name();
  });
}

std::string EventSelectorFor(const std::string& kind, const std::string& ns,
                             const std::string& name) {
  std::string s = "regarding.kind=" + kind + ",regarding.name=" + name;
  if (!ns.empty()) s += ",regarding.namespace=" + ns;
  return s;
}

std::string EventAge(const api::Object& e, std::chrono::system_clock::time_point now) {
  std::string age = HumanAge(now - EventLastSeen(e));
  const api::Json& j = e.json();
  if (j.contains("series") && j["series"].is_object()) {
    long long count = j["series"].value("count", 0LL);
    if (count > 1) {
      age += " (x" + std::to_string(count) + " over " + HumanAge(now - FirstSeen(e)) + ")";
    }
  }
  return age;
}

}  // namespace berth::cli
