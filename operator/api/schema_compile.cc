#include <initializer_list>
#include <set>

#include "operator/api/schema_node.h"
#include "operator/common/strings.h"

namespace berth::api {
namespace {

using schema_internal::Index;
using schema_internal::Join;
using schema_internal::Node;

const std::set<std::string, std::less<>>& Keywords() {
  static const std::set<std::string, std::less<>> k = {"type",
                                                       "format",
                                                       "title",
                                                       "description",
                                                       "default",
                                                       "nullable",
                                                       "enum",
                                                       "pattern",
                                                       "minimum",
                                                       "maximum",
                                                       "exclusiveMinimum",
                                                       "exclusiveMaximum",
                                                       "multipleOf",
                                                       "minLength",
                                                       "maxLength",
                                                       "minItems",
                                                       "maxItems",
                                                       "uniqueItems",
                                                       "minProperties",
                                                       "maxProperties",
                                                       "required",
                                                       "properties",
                                                       "additionalProperties",
                                                       "items",
                                                       "anyOf",
                                                       "oneOf",
                                                       "allOf",
                                                       "not",
                                                       "example",
                                                       "externalDocs",
                                                       "x-kubernetes-preserve-unknown-fields",
                                                       "x-kubernetes-int-or-string",
                                                       "x-kubernetes-embedded-resource",
                                                       "x-kubernetes-list-type",
                                                       "x-kubernetes-list-map-keys",
                                                       "x-kubernetes-map-type",
                                                       "x-kubernetes-validations",
                                                       "x-berth-coerce-string",
                                                       "x-berth-property-names",
                                                       "x-berth-pattern-hint"};
  return k;
}

Status Err(const std::string& spath, const std::string& what) {
  return Status::Invalid("schema " + (spath.empty() ? std::string("<root>") : spath) + ": " + what);
}

class Compiler {
 public:
  Result<std::unique_ptr<Node>> Build(const Json& j, const std::string& sp) {
    if (!j.is_object()) return Err(sp, "must be an object");
    for (const auto& [k, unused] : j.items()) {
      bool foreign_ext =
          StartsWith(k, "x-") && !StartsWith(k, "x-berth-") && !StartsWith(k, "x-kubernetes-");
      if (!foreign_ext && !Keywords().contains(k))
        return Err(Join(sp, k), "unknown schema keyword");
    }
    auto n = std::make_unique<Node>();
    n->src = &j;
    BERTH_RETURN_IF_ERROR(Str(j, sp, "type", &n->type));
    static const std::set<std::string, std::less<>> types = {
        "", "object", "array", "string", "integer", "number", "boolean"};
    if (!types.contains(n->type)) return Err(Join(sp, "type"), "unsupported type " + n->type);
    BERTH_RETURN_IF_ERROR(Str(j, sp, "format", &n->format));
    BERTH_RETURN_IF_ERROR(Str(j, sp, "x-kubernetes-list-type", &n->list_type));
    BERTH_RETURN_IF_ERROR(Str(j, sp, "x-berth-pattern-hint", &n->pattern_hint));
    BERTH_RETURN_IF_ERROR(Bool(j, sp, "nullable", &n->nullable));
    BERTH_RETURN_IF_ERROR(Bool(j, sp, "x-kubernetes-preserve-unknown-fields", &n->preserve));
    BERTH_RETURN_IF_ERROR(Bool(j, sp, "x-kubernetes-int-or-string", &n->int_or_string));
    BERTH_RETURN_IF_ERROR(Bool(j, sp, "x-kubernetes-embedded-resource", &n->embedded));
    BERTH_RETURN_IF_ERROR(Bool(j, sp, "x-berth-coerce-string", &n->coerce));
    BERTH_RETURN_IF_ERROR(Bool(j, sp, "uniqueItems", &n->unique));
    if (n->format == "int-or-string") n->int_or_string = true;
    if (n->coerce && n->type != "string") {
      return Err(Join(sp, "x-berth-coerce-string"), "needs type: string");
    }
    BERTH_RETURN_IF_ERROR(Strings(j, sp, "required", &n->required));
    BERTH_RETURN_IF_ERROR(Strings(j, sp, "x-kubernetes-list-map-keys", &n->list_keys));
    using CountField = std::pair<const char*, std::optional<int64_t>*>;
    for (auto [key, out] : std::initializer_list<CountField>{{"minLength", &n->min_length},
                                                             {"maxLength", &n->max_length},
                                                             {"minItems", &n->min_items},
                                                             {"maxItems", &n->max_items},
                                                             {"minProperties", &n->min_props},
                                                             {"maxProperties", &n->max_props}}) {
      BERTH_RETURN_IF_ERROR(Count(j, sp, key, out));
    }
    BERTH_RETURN_IF_ERROR(Number(j, sp, "minimum", &n->minimum));
    BERTH_RETURN_IF_ERROR(Number(j, sp, "maximum", &n->maximum));
    BERTH_RETURN_IF_ERROR(Number(j, sp, "multipleOf", &n->multiple_of));
    BERTH_RETURN_IF_ERROR(Exclusive(j, sp, "exclusiveMinimum", &n->minimum, &n->exclusive_min));
    BERTH_RETURN_IF_ERROR(Exclusive(j, sp, "exclusiveMaximum", &n->maximum, &n->exclusive_max));
    if (auto it = j.find("enum"); it != j.end()) {
      if (!it->is_array() || it->empty()) return Err(Join(sp, "enum"), "must be a non-empty array");
      n->enumeration.assign(it->begin(), it->end());
    }
    if (auto it = j.find("pattern"); it != j.end()) {
      if (!it->is_string()) return Err(Join(sp, "pattern"), "must be a string");
      n->pattern_text = it->get<std::string>();
      try {
        n->pattern.emplace(n->pattern_text, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return Err(Join(sp, "pattern"), std::string("invalid regular expression: ") + e.what());
      }
    }
    if (auto it = j.find("properties"); it != j.end()) {
      if (!it->is_object()) return Err(Join(sp, "properties"), "must be an object");
      for (const auto& [name, sub] : it->items()) {
        BERTH_ASSIGN_OR_RETURN(n->props[name], Build(sub, Join(sp, "properties." + name)));
      }
    }
    if (auto it = j.find("additionalProperties"); it != j.end()) {
      if (it->is_boolean()) {
        n->additional_any = it->get<bool>();
      } else {
        BERTH_ASSIGN_OR_RETURN(n->additional, Build(*it, Join(sp, "additionalProperties")));
      }
    }
    BERTH_RETURN_IF_ERROR(Sub(j, sp, "items", &n->items));
    BERTH_RETURN_IF_ERROR(Sub(j, sp, "not", &n->negated));
    BERTH_RETURN_IF_ERROR(Sub(j, sp, "x-berth-property-names", &n->names));
    BERTH_RETURN_IF_ERROR(Branches(j, sp, "anyOf", &n->any_of));
    BERTH_RETURN_IF_ERROR(Branches(j, sp, "oneOf", &n->one_of));
    BERTH_RETURN_IF_ERROR(Branches(j, sp, "allOf", &n->all_of));
    if (auto it = j.find("default"); it != j.end()) {
      Json copy = *it;
      std::vector<FieldCause> causes;
      n->Validate(copy, "", &causes);
      if (!causes.empty()) {
        const FieldCause& f = causes.front();
        return Err(Join(sp, "default"), f.field.empty() ? f.message : f.field + ": " + f.message);
      }
      n->default_value = *it;
    }
    return n;
  }

 private:
  static Status Str(const Json& j, const std::string& sp, const char* k, std::string* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (!it->is_string()) return Err(Join(sp, k), "must be a string");
    *out = it->get<std::string>();
    return Status::Ok();
  }
  static Status Bool(const Json& j, const std::string& sp, const char* k, bool* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (!it->is_boolean()) return Err(Join(sp, k), "must be a boolean");
    *out = it->get<bool>();
    return Status::Ok();
  }
  static Status Count(const Json& j, const std::string& sp, const char* k,
                      std::optional<int64_t>* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
      return Err(Join(sp, k), "must be a non-negative integer");
    *out = it->get<int64_t>();
    return Status::Ok();
  }
  static Status Number(const Json& j, const std::string& sp, const char* k,
                       std::optional<double>* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (!it->is_number()) return Err(Join(sp, k), "must be a number");
    *out = it->get<double>();
    return Status::Ok();
  }
  // OpenAPI 3.0 writes exclusiveMinimum: true next to minimum; 3.1 writes the bound itself.
  static Status Exclusive(const Json& j, const std::string& sp, const char* k,
                          std::optional<double>* bound, bool* exclusive) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (it->is_boolean()) {
      *exclusive = it->get<bool>();
      if (*exclusive && !*bound) return Err(Join(sp, k), "needs the matching minimum/maximum");
    } else if (it->is_number()) {
      *bound = it->get<double>();
      *exclusive = true;
    } else {
      return Err(Join(sp, k), "must be a boolean or a number");
    }
    return Status::Ok();
  }
  static Status Strings(const Json& j, const std::string& sp, const char* k,
                        std::vector<std::string>* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (!it->is_array()) return Err(Join(sp, k), "must be an array of strings");
    for (const Json& s : *it) {
      if (!s.is_string()) return Err(Join(sp, k), "must be an array of strings");
      out->push_back(s.get<std::string>());
    }
    return Status::Ok();
  }
  Status Sub(const Json& j, const std::string& sp, const char* k, std::unique_ptr<Node>* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    BERTH_ASSIGN_OR_RETURN(*out, Build(*it, Join(sp, k)));
    return Status::Ok();
  }
  Status Branches(const Json& j, const std::string& sp, const char* k,
                  std::vector<std::unique_ptr<Node>>* out) {
    auto it = j.find(k);
    if (it == j.end()) return Status::Ok();
    if (!it->is_array() || it->empty()) return Err(Join(sp, k), "must be a non-empty array");
    for (size_t i = 0; i < it->size(); ++i) {
      BERTH_ASSIGN_OR_RETURN(std::unique_ptr<Node> b, Build((*it)[i], Index(Join(sp, k), i)));
      out->push_back(std::move(b));
    }
    return Status::Ok();
  }
};

}  // namespace

Result<std::unique_ptr<Schema>> Schema::Compile(const Json& openapi) {
  auto doc = std::make_shared<const Json>(openapi);
  Compiler compiler;
  BERTH_ASSIGN_OR_RETURN(std::unique_ptr<Node> root, compiler.Build(*doc, ""));
  root->doc = std::move(doc);
  return std::unique_ptr<Schema>(std::move(root));
}

}  // namespace berth::api
