// describe stack: per service what was asked for (image, ports, dependsOn)
// and what berth observed (phase, health, container, restarts, last error).
#include <set>

#include "operator/cli/describe.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

using api::Json;

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

const Json& Member(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// ["a", "b"] -> "a, b"; {"a": "x"} -> "a=x, ..."; strings as they are.
std::string Inline(const Json& v, const char* map_sep = "=") {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  std::vector<std::string> parts;
  if (v.is_array()) {
    for (const Json& e : v) parts.push_back(e.is_string() ? e.get<std::string>() : e.dump());
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      parts.push_back(
          k + (e.is_null() ? "" : map_sep + (e.is_string() ? e.get<std::string>() : e.dump())));
    }
  } else {
    return v.dump();
  }
  return Join(parts, ", ");
}

std::string ShortId(const std::string& id) {
  return id.size() > 12 ? id.substr(0, 12) : id;
}

void DescribeService(const std::string& name, const Json& spec, const Json& status,
                     DescribeWriter& w, WallTime now) {
  w.Section(1, name);
  if (spec.is_object()) {
    std::string kind = Str(spec, "kind");
    w.Field(2, "Kind", kind.empty() ? "service" : kind);
    w.Field(2, "Image", Str(spec, "image"));
    w.Field(2, "Ports", Inline(Member(spec, "ports")));
    w.Field(2, "Networks", Inline(Member(spec, "networks")));
    w.Field(2, "Depends On", Inline(Member(spec, "dependsOn"), ": "));
    if (const Json& v = Member(spec, "volumes"); !v.is_null()) w.Field(2, "Volumes", Inline(v));
  } else {
    w.Field(2, "Spec", "not in spec (being removed)");
  }
  if (!status.is_object()) {
    w.Field(2, "Phase", "Pending (not observed yet)");
    return;
  }
  w.Field(2, "Phase", Str(status, "phase"));
  if (std::string h = Str(status, "health"); !h.empty()) w.Field(2, "Health", h);
  std::string cname = Str(status, "containerName");
  std::string cid = ShortId(Str(status, "containerID"));
  w.Field(2, "Container", cname.empty() ? cid : cid.empty() ? cname : cname + " (" + cid + ")");
  w.Field(2, "Restarts", Str(status, "restartCount").empty() ? "0" : Str(status, "restartCount"));
  if (std::string e = Str(status, "exitCode"); !e.empty()) w.Field(2, "Exit Code", e);
  if (std::string s = Str(status, "startedAt"); !s.empty())
    w.Field(2, "Started", TimeWithAge(s, now));
  if (std::string m = Str(status, "message"); !m.empty()) w.Field(2, "Message", m);
  w.Field(2, "Last Error", Str(status, "lastError"));
}

}  // namespace

void DescribeStack(const api::Object& o, DescribeWriter& w, WallTime now) {
  const Json& spec = o.spec();
  const Json& status = o.status();
  w.Field(0, "Phase", Str(status, "phase"));
  w.Field(0, "Ready", Str(status, "ready"));
  if (std::string g = Str(status, "observedGeneration"); !g.empty()) {
    w.Field(0, "Observed Generation", g);
  }
  const Json& spec_services = Member(spec, "services");
  const Json& status_services = Member(status, "services");
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const Json* m : {&spec_services, &status_services}) {
    if (!m->is_object()) continue;
    for (const auto& [k, v] : m->items()) {
      if (seen.insert(k).second) names.push_back(k);
    }
  }
  if (names.empty()) {
    w.Field(0, "Services", "");
  } else {
    w.Section(0, "Services");
    for (const std::string& n : names) {
      DescribeService(n, Member(spec_services, n.c_str()), Member(status_services, n.c_str()), w,
                      now);
    }
  }
  if (const Json& nets = Member(spec, "networks"); nets.is_object() && !nets.empty()) {
    w.Section(0, "Networks");
    for (const auto& [k, v] : nets.items()) w.Field(1, k, Inline(v));
  }
  if (const Json& vols = Member(spec, "volumes"); vols.is_object() && !vols.empty()) {
    w.Section(0, "Volumes");
    for (const auto& [k, v] : vols.items())
      w.Field(1, k, v.is_null() || v.empty() ? "-" : Inline(v));
  }
  if (const Json& router = Member(spec, "router"); !router.is_null())
    w.Field(0, "Router", Inline(router));
}

}  // namespace berth::cli
