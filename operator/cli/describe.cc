#include "operator/cli/describe.h"

#include <algorithm>
#include <map>

#include "operator/api/codec.h"
#include "operator/cli/apply_plan.h"
#include "operator/cli/event_format.h"
#include "operator/cli/printers.h"
#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::cli {
namespace {

using api::Json;

std::string Indent(int level) {
  return std::string(static_cast<size_t>(level) * 2, ' ');
}

std::string MapLines(const std::map<std::string, std::string>& m) {
  std::vector<std::string> lines;
  for (const auto& [k, v] : m) lines.push_back(k + "=" + v);
  return Join(lines, "\n");
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

void DescribeWriter::Field(int level, const std::string& label, const std::string& value) {
  lines_.push_back({level, label, value.empty() ? "<none>" : value, true});
}

void DescribeWriter::Section(int level, const std::string& label) {
  lines_.push_back({level, label + ":", "", false});
}

void DescribeWriter::Text(int level, const std::string& text) {
  for (const std::string& l : Split(text, '\n')) lines_.push_back({level, "", l, false});
  if (!text.empty() && text.back() == '\n') lines_.pop_back();
}

void DescribeWriter::Table(int level, TableWriter& table) {
  Text(level, table.Render());
}

std::string DescribeWriter::Render() const {
  // Values line up per indentation level, across the whole description.
  std::map<int, size_t> width;
  for (const Line& l : lines_) {
    if (l.field) width[l.level] = std::max(width[l.level], DisplayWidth(l.label) + 1);
  }
  std::string out;
  for (const Line& l : lines_) {
    std::string pad = Indent(l.level);
    if (!l.field) {
      out += pad + (l.label.empty() ? l.value : l.label) + "\n";
      continue;
    }
    std::string head = pad + l.label + ":";
    size_t column = pad.size() + width[l.level] + 2;
    std::vector<std::string> vals = Split(l.value, '\n');
    for (size_t i = 0; i < vals.size(); ++i) {
      std::string prefix = i == 0 ? head : "";
      out += prefix + std::string(column - DisplayWidth(prefix), ' ') + vals[i] + "\n";
    }
  }
  return out;
}

std::string TimeWithAge(const std::string& timestamp, WallTime now) {
  if (timestamp.empty()) return "<none>";
  auto t = ParseRfc3339(timestamp);
  if (!t) return timestamp;
  return timestamp + " (" + HumanAge(now - *t) + " ago)";
}

void DescribeMetadata(const api::Object& o, DescribeWriter& w, WallTime now) {
  const Json& m = o.metadata();
  w.Field(0, "Name", o.name());
  if (!o.ns().empty()) w.Field(0, "Namespace", o.ns());
  w.Field(0, "Kind", o.kind());
  w.Field(0, "API Version", o.api_version());
  w.Field(0, "Labels", MapLines(o.labels()));
  std::map<std::string, std::string> annotations = o.annotations();
  annotations.erase(kLastAppliedAnnotation);
  annotations.erase(kKubectlLastAppliedAnnotation);
  w.Field(0, "Annotations", MapLines(annotations));
  w.Field(0, "UID", o.uid());
  w.Field(0, "Resource Version", o.resource_version());
  if (o.generation() > 0) w.Field(0, "Generation", std::to_string(o.generation()));
  w.Field(0, "Created", TimeWithAge(Str(m, "creationTimestamp"), now));
  if (o.being_deleted())
    w.Field(0, "Deleting Since", TimeWithAge(Str(m, "deletionTimestamp"), now));
  if (!o.finalizers().empty()) w.Field(0, "Finalizers", Join(o.finalizers(), ", "));
  if (auto refs = m.find("ownerReferences"); refs != m.end() && refs->is_array()) {
    std::vector<std::string> owners;
    for (const Json& r : *refs) owners.push_back(Str(r, "kind") + "/" + Str(r, "name"));
    if (!owners.empty()) w.Field(0, "Owners", Join(owners, ", "));
  }
}

void DescribeConditions(const api::Object& o, DescribeWriter& w, WallTime now) {
  const Json& st = o.status();
  auto it = st.is_object() ? st.find("conditions") : st.end();
  if (!st.is_object() || it == st.end() || !it->is_array() || it->empty()) {
    w.Field(0, "Conditions", "");
    return;
  }
  w.Section(0, "Conditions");
  TableWriter t({"TYPE", "STATUS", "REASON", "AGE", "MESSAGE"});
  for (const Json& c : *it) {
    std::string when = Str(c, "lastTransitionTime");
    t.AddRow({Str(c, "type"), Str(c, "status"), Str(c, "reason"),
              when.empty() ? "<unknown>" : AgeOf(when, now), Str(c, "message")});
  }
  w.Table(1, t);
}

void DescribeEvents(const std::vector<api::Object>& events, DescribeWriter& w, WallTime now) {
  if (events.empty()) {
    w.Field(0, "Events", "");
    return;
  }
  w.Section(0, "Events");
  TableWriter t({"LAST SEEN", "TYPE", "REASON", "FROM", "MESSAGE"});
  for (const auto& e : events) {
    const Json& j = e.json();
    t.AddRow({EventAge(e, now), Str(j, "type"), Str(j, "reason"), Str(j, "reportingController"),
              Str(j, "note")});
  }
  w.Table(1, t);
}

void DescribeGeneric(const api::Object& o, DescribeWriter& w, WallTime now) {
  // Everything but metadata and status (spec, or an Event's own fields).
  for (const auto& [key, value] : o.json().items()) {
    if (key == "apiVersion" || key == "kind" || key == "metadata" || key == "status") continue;
    std::string label = key;
    if (!label.empty()) label[0] = static_cast<char>(std::toupper(label[0]));
    if (value.is_object() || value.is_array()) {
      w.Section(0, label);
      w.Text(1, api::ToYaml(value));
    } else {
      w.Field(0, label, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  const Json& st = o.status();
  if (st.is_object()) {
    Json rest = st;
    rest.erase("conditions");
    if (!rest.empty()) {
      w.Section(0, "Status");
      w.Text(1, api::ToYaml(rest));
    }
  }
}

Describer DescriberFor(const std::string& kind) {
  if (kind == "Stack") return &DescribeStack;
  if (kind == "Secret") return &DescribeSecret;
  return &DescribeGeneric;
}

}  // namespace berth::cli
