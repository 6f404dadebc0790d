// Table output for kubectl get.
#include "operator/apiserver/table.h"

#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::apiserver {
namespace {

using api::Json;

constexpr const char* kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically.";

Json Cell(const PrinterColumn& col, const Json& obj, Clock::WallTime now) {
  auto v = EvalJsonPath(obj, col.json_path);
  if (!v || v->is_null()) return nullptr;
  if (col.type == "date") {
    if (!v->is_string()) return "<unknown>";
    auto t = ParseRfc3339(v->get<std::string>());
    if (!t) return "<unknown>";
    return HumanAge(now - *t);
  }
  if (col.type == "integer") return v->is_number_integer() ? *v : Json(nullptr);
  if (col.type == "number") return v->is_number() ? *v : Json(nullptr);
  if (col.type == "boolean") return v->is_boolean() ? *v : Json(nullptr);
  // string and anything else: the value as text.
  if (v->is_string()) return *v;
  return v->dump();
}

}  // namespace

std::vector<PrinterColumn> PrinterColumns(const Json* crd) {
  std::vector<PrinterColumn> cols;
  cols.push_back({"Name", "string", "name", kNameDescription, ".metadata.name", 0});
  const Json* declared = nullptr;
  if (crd != nullptr && crd->is_object()) {
    auto spec = crd->find("spec");
    if (spec != crd->end() && spec->contains("versions") && (*spec)["versions"].is_array()) {
      for (const Json& v : (*spec)["versions"]) {
        if (v.value("name", "") != api::kVersion) continue;
        if (auto it = v.find("additionalPrinterColumns"); it != v.end() && it->is_array()) {
          declared = &*it;
        }
      }
    }
  }
  if (declared == nullptr || declared->empty()) {
    cols.push_back({"Age", "date", "",
                    "CreationTimestamp is a timestamp representing the server "
                    "time when this object was created.",
                    ".metadata.creationTimestamp", 0});
    return cols;
  }
  for (const Json& c : *declared) {
    if (!c.is_object()) continue;
    PrinterColumn col;
    col.name = c.value("name", "");
    col.type = c.value("type", "string");
    col.format = c.value("format", "");
    col.description = c.value("description", "");
    col.json_path = c.value("jsonPath", "");
    col.priority = c.value("priority", 0);
    if (!col.name.empty() && !col.json_path.empty()) cols.push_back(std::move(col));
  }
  return cols;
}

Result<IncludeObject> ParseIncludeObject(std::string_view value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "Object") return IncludeObject::kObject;
  if (value == "None") return IncludeObject::kNone;
  return Status::BadRequest("includeObject must be None, Metadata or Object, not \"" +
                            std::string(value) + "\"");
}

bool WantsTable(const Request& req) {
  for (const std::string& part : Split(req.Header("accept"), ',', true)) {
    bool table = false, group = false;
    for (const std::string& param : Split(part, ';', true)) {
      std::string p(Trim(param));
      if (p == "as=Table") table = true;
      if (p == "g=meta.k8s.io") group = true;
    }
    if (table && group) return true;
  }
  return false;
}

Json ColumnDefinitions(const std::vector<PrinterColumn>& columns) {
  Json defs = Json::array();
  for (const PrinterColumn& c : columns) {
    // Date columns arrive as age strings, as the kube-apiserver sends them.
    defs.push_back({{"name", c.name},
                    {"type", c.type == "date" ? "date" : c.type},
                    {"format", c.format},
                    {"description", c.description},
                    {"priority", c.priority}});
  }
  return defs;
}

Json TableRow(const std::vector<PrinterColumn>& columns, const Json& obj, IncludeObject include,
              Clock::WallTime now) {
  Json cells = Json::array();
  for (const PrinterColumn& c : columns) cells.push_back(Cell(c, obj, now));
  Json row = {{"cells", std::move(cells)}};
  switch (include) {
    case IncludeObject::kNone: break;
    case IncludeObject::kObject: row["object"] = obj; break;
    case IncludeObject::kMetadata:
      row["object"] = {{"kind", "PartialObjectMetadata"},
                       {"apiVersion", "meta.k8s.io/v1"},
                       {"metadata", obj.value("metadata", Json::object())}};
      break;
  }
  return row;
}

Json BuildTable(const std::vector<PrinterColumn>& columns, const std::vector<Json>& objects,
                IncludeObject include, Clock::WallTime now, const std::string& resource_version,
                const std::string& continue_token) {
  Json meta = Json::object();
  if (!resource_version.empty()) meta["resourceVersion"] = resource_version;
  if (!continue_token.empty()) meta["continue"] = continue_token;
  Json rows = Json::array();
  for (const Json& o : objects) rows.push_back(TableRow(columns, o, include, now));
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", std::move(meta)},
          {"columnDefinitions", ColumnDefinitions(columns)},
          {"rows", std::move(rows)}};
}

}  // namespace berth::apiserver
