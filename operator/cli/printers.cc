#include "operator/cli/printers.h"

#include "operator/api/codec.h"
#include "operator/cli/kinds.h"
#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::cli {
namespace {

using api::Json;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const Json* PrinterColumns(const api::Catalog& catalog, const api::KindInfo& kind) {
  const Json* crd = catalog.Crd(kind.kind);
  if (crd == nullptr) return nullptr;
  const Json* versions = EvalJsonPath(*crd, ".spec.versions");
  if (versions == nullptr || !versions->is_array()) return nullptr;
  for (const Json& v : *versions) {
    if (v.value("name", "") != api::kVersion) continue;
    auto it = v.find("additionalPrinterColumns");
    return it != v.end() && it->is_array() ? &*it : nullptr;
  }
  return nullptr;
}

// Reads one "[...]" step at `path[i]` (just after '['); advances `i` past ']'.
const Json* Bracket(const Json* cur, std::string_view path, size_t& i) {
  size_t close = path.find(']', i);
  if (close == std::string_view::npos) return nullptr;
  std::string_view inner = path.substr(i, close - i);
  i = close + 1;
  if (StartsWith(inner, "?(@.") && EndsWith(inner, ")")) {
    // Filter: [?(@.key=='value')] selects the first array element matching.
    std::string_view expr = inner.substr(4, inner.size() - 5);
    size_t eq = expr.find("==");
    if (eq == std::string_view::npos || !cur->is_array()) return nullptr;
    std::string key(Trim(expr.substr(0, eq)));
    std::string value(Trim(expr.substr(eq + 2)));
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"')) {
      value = value.substr(1, value.size() - 2);
    }
    for (const Json& el : *cur) {
      const Json* v = EvalJsonPath(el, "." + key);
      if (v != nullptr && ((v->is_string() && v->get<std::string>() == value) ||
                           (!v->is_string() && v->dump() == value))) {
        return &el;
      }
    }
    return nullptr;
  }
  long long index = 0;
  if (!ParseInt64(inner, &index) || !cur->is_array()) return nullptr;
  if (index < 0) index += static_cast<long long>(cur->size());
  if (index < 0 || static_cast<size_t>(index) >= cur->size()) return nullptr;
  return &(*cur)[static_cast<size_t>(index)];
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text.empty()) return OutputFormat::kTable;
  if (text == "wide") return OutputFormat::kWide;
  if (text == "yaml") return OutputFormat::kYaml;
  if (text == "json") return OutputFormat::kJson;
  if (text == "name") return OutputFormat::kName;
  return Status::BadRequest("unknown output format \"" + std::string(text) +
                            "\": expected one of wide, yaml, json, name");
}

const Json* EvalJsonPath(const Json& root, std::string_view path) {
  if (StartsWith(path, "{") && EndsWith(path, "}")) path = path.substr(1, path.size() - 2);
  const Json* cur = &root;
  size_t i = 0;
  while (i < path.size() && cur != nullptr) {
    if (path[i] == '.') {
      ++i;
      size_t end = path.find_first_of(".[", i);
      if (end == std::string_view::npos) end = path.size();
      std::string key(path.substr(i, end - i));
      i = end;
      if (key.empty()) continue;
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(key);
      cur = it == cur->end() ? nullptr : &*it;
    } else if (path[i] == '[') {
      ++i;
      cur = Bracket(cur, path, i);
    } else {
      // A path without a leading dot ("status.ready").
      size_t end = path.find_first_of(".[", i);
      if (end == std::string_view::npos) end = path.size();
      std::string key(path.substr(i, end - i));
      i = end;
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(key);
      cur = it == cur->end() ? nullptr : &*it;
    }
  }
  return cur;
}

std::string AgeOf(const std::string& timestamp, std::chrono::system_clock::time_point now) {
  auto t = ParseRfc3339(timestamp);
  if (!t) return "<unknown>";
  return HumanAge(now - *t);
}

std::string CellText(const Json& object, const Column& column,
                     std::chrono::system_clock::time_point now) {
  const Json* v = EvalJsonPath(object, column.json_path);
  if (v == nullptr || v->is_null()) return "<none>";
  if (column.type == "date" && v->is_string()) return AgeOf(v->get<std::string>(), now);
  if (v->is_string()) return v->get<std::string>();
  return v->dump();
}

std::vector<Column> ColumnsFor(const api::Catalog& catalog, const api::KindInfo& kind, bool wide) {
  std::vector<Column> cols = {{"NAME", ".metadata.name", "string", 0}};
  bool has_age = false;
  if (const Json* pcs = PrinterColumns(catalog, kind)) {
    for (const Json& pc : *pcs) {
      Column c{Upper(pc.value("name", "")), pc.value("jsonPath", ""), pc.value("type", "string"),
               pc.value("priority", 0)};
      if (c.header.empty() || c.json_path.empty()) continue;
      if (c.header == "AGE") has_age = true;
      if (c.priority > 0 && !wide) continue;
      cols.push_back(std::move(c));
    }
  }
  if (!has_age) cols.push_back({"AGE", ".metadata.creationTimestamp", "date", 0});
  return cols;
}

ObjectTable::ObjectTable(const api::Catalog& catalog, const api::KindInfo& kind,
                         TableOptions options)
    : kind_(kind), options_(options), columns_(ColumnsFor(catalog, kind, options.wide)) {}

std::vector<std::string> ObjectTable::Headers() const {
  std::vector<std::string> h;
  if (options_.with_namespace) h.push_back("NAMESPACE");
  for (const auto& c : columns_) h.push_back(c.header);
  if (options_.show_labels) h.push_back("LABELS");
  return h;
}

std::vector<std::string> ObjectTable::Row(const api::Object& object,
                                          std::chrono::system_clock::time_point now) const {
  std::vector<std::string> r;
  if (options_.with_namespace) r.push_back(object.ns());
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i == 0) {
      r.push_back(options_.with_kind_prefix ? QualifiedName(kind_, object.name()) : object.name());
    } else {
      r.push_back(CellText(object.json(), columns_[i], now));
    }
  }
  if (options_.show_labels) r.push_back(FormatLabels(object));
  return r;
}

std::string FormatLabels(const api::Object& object) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : object.labels()) parts.push_back(k + "=" + v);
  return parts.empty() ? "<none>" : Join(parts, ",");
}

std::string FormatObjects(const std::vector<api::Object>& objects, OutputFormat format,
                          bool as_list) {
  if (format == OutputFormat::kName) {
    std::string out;
    for (const auto& o : objects) {
      std::string kind = ToLower(o.kind());
      out += kind + "." + std::string(api::kGroup) + "/" + o.name() + "\n";
    }
    return out;
  }
  Json doc;
  if (as_list) {
    Json items = Json::array();
    for (const auto& o : objects) items.push_back(o.json());
    doc = Json{{"apiVersion", "v1"},
               {"kind", "List"},
               {"items", std::move(items)},
               {"metadata", {{"resourceVersion", ""}}}};
  } else if (!objects.empty()) {
    doc = objects.front().json();
  }
  if (format == OutputFormat::kJson) return doc.dump(4) + "\n";
  return api::ToYaml(doc);
}

}  // namespace berth::cli
