#include "operator/cli/waiter.h"

#include "operator/cli/watcher.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

const api::Json* FindConditionCi(const api::Object& o, const std::string& type) {
  const api::Json& st = o.status();
  if (!st.is_object() || !st.contains("conditions") || !st["conditions"].is_array()) return nullptr;
  for (const api::Json& c : st["conditions"]) {
    if (c.is_object() && ToLower(c.value("type", "")) == ToLower(type)) return &c;
  }
  return nullptr;
}

}  // namespace

bool HasCondition(const api::Object& o, const std::string& type, const std::string& status) {
  const api::Json* c = FindConditionCi(o, type);
  return c != nullptr && ToLower(c->value("status", "")) == ToLower(status);
}

std::string DescribeCondition(const api::Object& o, const std::string& type) {
  const api::Json* c = FindConditionCi(o, type);
  if (c == nullptr) return "no " + type + " condition";
  std::string s = c->value("type", type) + "=" + c->value("status", "");
  std::string reason = c->value("reason", "");
  std::string message = c->value("message", "");
  if (!reason.empty() || !message.empty()) {
    s += " (" + reason + (reason.empty() || message.empty() ? "" : ": ") + message + ")";
  }
  return s;
}

Status WaitFor(ApiClient& client, const api::KindInfo& kind, const std::string& ns,
               const std::string& name, Deadline deadline,
               const std::function<bool(const api::Object*)>& done,
               std::optional<api::Object>* last) {
  bool met = false;
  auto check = [&](const api::Object* o) {
    if (o != nullptr) {
      *last = *o;
    }
    met = done(o);
    return !met;  // keep watching until met
  };
  ListWatchOptions lw;
  lw.field_selector = "metadata.name=" + name;
  lw.deadline = deadline;
  Status st = ListAndWatch(
      client, kind, ns, lw,
      [&](const ObjectList& list) {
        for (const auto& o : list.items) {
          if (o.name() == name) return check(&o);
        }
        return check(nullptr);
      },
      [&](const WatchEvent& ev) {
        if (ev.object.name() != name) return true;  // a server ignoring the field selector
        return check(ev.type == "DELETED" ? nullptr : &ev.object);
      });
  if (met) return Status::Ok();
  if (st.ok()) return Status::Internal("the watch ended before the wait was over");
  return st;
}

}  // namespace berth::cli
