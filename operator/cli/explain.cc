#include "operator/cli/explain.h"

#include <algorithm>
#include <set>

#include "operator/cli/kinds.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

using api::Json;

constexpr int kMaxDepth = 20;

bool IsObject(const Json& s) {
  return s.is_object();
}

// The schema of `s`'s fields: through list items, map values and the object
// branches of anyOf/oneOf (their properties merged).
Json FieldsSchema(const Json& s) {
  if (!IsObject(s)) return Json::object();
  std::string type = s.value("type", "");
  if (type == "array" && s.contains("items")) return FieldsSchema(s["items"]);
  if (type == "object" && !s.contains("properties") && s.contains("additionalProperties") &&
      s["additionalProperties"].is_object()) {
    return FieldsSchema(s["additionalProperties"]);
  }
  Json out = s;
  for (const char* alt : {"anyOf", "oneOf"}) {
    if (!s.contains(alt) || !s[alt].is_array()) continue;
    for (const Json& branch : s[alt]) {
      Json b = FieldsSchema(branch);
      if (!b.contains("properties")) continue;
      for (const auto& [k, v] : b["properties"].items()) out["properties"][k] = v;
      if (b.contains("required")) {
        for (const Json& r : b["required"]) out["required"].push_back(r);
      }
    }
  }
  return out;
}

bool IsRequired(const Json& parent_fields, const std::string& name) {
  if (!parent_fields.contains("required") || !parent_fields["required"].is_array()) return false;
  for (const Json& r : parent_fields["required"]) {
    if (r.is_string() && r.get<std::string>() == name) return true;
  }
  return false;
}

const Json* RootSchema(const api::Catalog& catalog, const std::string& kind) {
  const Json* crd = catalog.Crd(kind);
  if (crd == nullptr || !crd->contains("spec") || !(*crd)["spec"].contains("versions")) {
    return nullptr;
  }
  for (const Json& v : (*crd)["spec"]["versions"]) {
    if (v.value("name", "") != api::kVersion) continue;
    if (v.contains("schema") && v["schema"].contains("openAPIV3Schema")) {
      return &v["schema"]["openAPIV3Schema"];
    }
  }
  return nullptr;
}

void ListFields(const Json& fields, int depth, bool recursive, std::string* out) {
  if (!fields.contains("properties") || !fields["properties"].is_object() || depth > kMaxDepth) {
    return;
  }
  std::string pad(static_cast<size_t>(depth) * 2 + 2, ' ');
  for (const auto& [name, sub] : fields["properties"].items()) {
    *out += pad + name + "\t<" + SchemaTypeName(sub) + ">";
    if (IsRequired(fields, name)) *out += " -required-";
    *out += "\n";
    if (recursive) {
      ListFields(FieldsSchema(sub), depth + 1, true, out);
    } else {
      std::string desc = sub.value("description", "");
      *out += desc.empty() ? pad + "  <no description>\n" : Wrap(desc, pad.size() + 2);
      *out += "\n";
    }
  }
}

}  // namespace

std::string SchemaTypeName(const Json& s) {
  if (!IsObject(s)) return "Object";
  if (s.value("x-kubernetes-int-or-string", false)) return "IntOrString";
  std::string type = s.value("type", "");
  if (type == "array") return "[]" + (s.contains("items") ? SchemaTypeName(s["items"]) : "Object");
  if (type == "object") {
    if (!s.contains("properties") && s.contains("additionalProperties") &&
        s["additionalProperties"].is_object()) {
      return "map[string]" + SchemaTypeName(s["additionalProperties"]);
    }
    return "Object";
  }
  if (!type.empty()) return type;
  std::vector<std::string> alts;
  for (const char* alt : {"anyOf", "oneOf"}) {
    if (!s.contains(alt) || !s[alt].is_array()) continue;
    for (const Json& branch : s[alt]) {
      std::string t = SchemaTypeName(branch);
      if (std::find(alts.begin(), alts.end(), t) == alts.end()) alts.push_back(t);
    }
  }
  if (s.contains("properties")) return "Object";
  return alts.empty() ? "Object" : Join(alts, " | ");
}

std::string Wrap(const std::string& text, size_t indent, size_t width) {
  std::string out;
  for (const std::string& para : Split(text, '\n')) {
    std::string line(indent, ' ');
    bool empty = true;
    for (const std::string& word : Split(para, ' ', /*skip_empty=*/true)) {
      if (!empty && line.size() + 1 + word.size() > width) {
        out += line + "\n";
        line = std::string(indent, ' ');
        empty = true;
      }
      if (!empty) line += " ";
      line += word;
      empty = false;
    }
    out += line + "\n";
  }
  return out;
}

Result<std::string> Explain(const api::Catalog& catalog, std::string_view path, bool recursive) {
  std::vector<std::string> parts = Split(path, '.', /*skip_empty=*/true);
  if (parts.empty()) return Status::BadRequest("explain needs KIND[.field...], e.g. stack.spec");
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* kind, ResolveKind(catalog, parts[0]));
  const Json* root = RootSchema(catalog, kind->kind);
  if (root == nullptr) return Status::NotFound("no schema for " + kind->kind);
  Json node = *root;
  Json parent;
  std::string where = kind->kind;
  for (size_t i = 1; i < parts.size(); ++i) {
    Json fields = FieldsSchema(node);
    const std::string& name = parts[i];
    if (!fields.contains("properties") || !fields["properties"].contains(name)) {
      std::vector<std::string> names;
      if (fields.contains("properties")) {
        for (const auto& [k, v] : fields["properties"].items()) names.push_back(k);
      }
      return Status::NotFound("field \"" + name + "\" does not exist in " + where +
                              (names.empty() ? "" : " (fields: " + Join(names, ", ") + ")"));
    }
    parent = fields;
    node = fields["properties"][name];
    where += "." + name;
  }
  std::string out =
      "KIND:     " + kind->kind + "\nVERSION:  " + std::string(api::kApiVersion) + "\n\n";
  if (parts.size() > 1) {
    out += "FIELD:    " + parts.back() + " <" + SchemaTypeName(node) + ">";
    if (IsRequired(parent, parts.back())) out += " -required-";
    out += "\n\n";
  }
  out += "DESCRIPTION:\n";
  std::string desc = node.value("description", "");
  out += desc.empty() ? "    <empty>\n" : Wrap(desc, 4);
  if (node.contains("enum") && node["enum"].is_array()) {
    std::vector<std::string> values;
    for (const Json& v : node["enum"])
      values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    out += "\n    One of: " + Join(values, ", ") + "\n";
  }
  if (node.contains("default")) out += "    Default: " + node["default"].dump() + "\n";
  Json fields = FieldsSchema(node);
  if (fields.contains("properties") && !fields["properties"].empty()) {
    out += "\nFIELDS:\n";
    ListFields(fields, 0, recursive, &out);
  }
  return out;
}

}  // namespace berth::cli
