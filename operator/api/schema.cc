#include <algorithm>
#include <cmath>
#include <set>

#include "operator/api/schema_node.h"
#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::api::schema_internal {
namespace {

// std::regex matches recursively; longer inputs could exhaust the stack.
constexpr size_t kMaxPatternInput = 4096;

// A value as it appears in messages: JSON, cut short.
std::string Brief(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}
// The value in "Invalid value: X": a non-empty object shows as "object", as
// Kubernetes does (its fields are named by the message or by other causes);
// long arrays as "array".
std::string Shown(const Json& v) {
  if (v.is_object() && !v.empty()) return "\"object\"";
  std::string s = Brief(v);
  return v.is_array() && s.size() > 60 ? "\"array\"" : s;
}
std::string TypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    default: return "object";
  }
}
bool IsWholeFloat(const Json& v) {
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15;
}
bool IsInteger(const Json& v) {
  return v.is_number_integer() || IsWholeFloat(v);
}
std::string Num(double d) {
  if (d == std::trunc(d) && std::fabs(d) < 9.0e15) return std::to_string(static_cast<int64_t>(d));
  return Json(d).dump();
}
std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
bool IsBase64(const std::string& s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') {
      if (++pad > 2) return false;
    } else if (pad > 0 || !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}
bool IsDuration(const std::string& s) {
  static const std::regex re(R"(^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|ms|s|m|h))+)$)");
  return s.size() < 256 && std::regex_match(s, re);
}

void AddInvalid(std::vector<FieldCause>* causes, const std::string& path, const Json& v,
                const std::string& why) {
  causes->push_back({path, "Invalid value: " + Shown(v) + ": " + why, "FieldValueInvalid"});
}

}  // namespace

bool Node::AcceptsType(const Json& v) const {
  if (int_or_string && (IsInteger(v) || v.is_string())) return true;
  if (type.empty()) return !int_or_string;
  if (coerce && type == "string" && (v.is_number() || v.is_boolean())) return true;
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "integer") return IsInteger(v);
  return v.is_number();  // "number"
}

void Node::Validate(Json& v, const std::string& path, std::vector<FieldCause>* causes) const {
  if (v.is_null() && nullable) return;
  if (coerce && type == "string" && (v.is_number() || v.is_boolean())) {
    v = v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.dump();
  }
  if (!AcceptsType(v)) {
    std::string want = int_or_string ? "integer or string" : type;
    causes->push_back({path,
                       "Invalid value: \"" + TypeName(v) + "\": " +
                           (path.empty() ? "" : path + " ") + "in body must be of type " + want,
                       "FieldValueTypeInvalid"});
    return;
  }
  if (IsWholeFloat(v) && (type == "integer" || int_or_string))
    v = static_cast<int64_t>(v.get<double>());
  if (!enumeration.empty() &&
      std::find(enumeration.begin(), enumeration.end(), v) == enumeration.end()) {
    std::vector<std::string> supported;
    for (const Json& e : enumeration) supported.push_back(Brief(e));
    causes->push_back(
        {path,
         "Unsupported value: " + Brief(v) + ": supported values: " + berth::Join(supported, ", "),
         "FieldValueNotSupported"});
  }
  if (v.is_string()) CheckString(v, path, causes);
  if (v.is_number()) CheckNumber(v, path, causes);
  if (v.is_array()) CheckArray(v, path, causes);
  if (v.is_object()) CheckObject(v, path, causes);
  CheckBranches(v, path, causes);
}

void Node::CheckString(const Json& v, const std::string& path, std::vector<FieldCause>* c) const {
  const std::string& s = v.get_ref<const std::string&>();
  size_t len = (min_length || max_length) ? Utf8Length(s) : 0;
  if (min_length && static_cast<int64_t>(len) < *min_length) {
    AddInvalid(c, path, v,
               "must be at least " + Plural(*min_length, "character", "characters") + " long");
  }
  if (max_length && static_cast<int64_t>(len) > *max_length) {
    c->push_back(
        {path, "Too long: may not be longer than " + Plural(*max_length, "character", "characters"),
         "FieldValueTooLong"});
  }
  if (pattern) {
    bool matched = false;
    if (s.size() <= kMaxPatternInput) {
      try {
        matched = std::regex_search(s, *pattern);
      } catch (const std::regex_error&) {
        matched = false;  // the matcher gave up (complexity or stack): treat as no match
      }
    }
    if (s.size() > kMaxPatternInput) {
      AddInvalid(c, path, v,
                 "must be no more than " + std::to_string(kMaxPatternInput) + " characters");
    } else if (!matched) {
      AddInvalid(c, path, v, pattern_hint.empty() ? "must match " + pattern_text : pattern_hint);
    }
  }
  if (format == "date-time" && !ParseRfc3339(s)) {
    AddInvalid(c, path, v, "must be an RFC 3339 date-time such as 2024-01-15T10:00:00Z");
  } else if (format == "byte" && !IsBase64(s)) {
    AddInvalid(c, path, v, "must be base64-encoded");
  } else if (format == "duration" && !IsDuration(s)) {
    AddInvalid(c, path, v, "must be a duration such as 30s, 1m30s or 500ms");
  }
}

void Node::CheckNumber(const Json& v, const std::string& path, std::vector<FieldCause>* c) const {
  double d = v.get<double>();
  if (minimum && (exclusive_min ? d <= *minimum : d < *minimum)) {
    AddInvalid(c, path, v,
               std::string("must be greater than ") + (exclusive_min ? "" : "or equal to ") +
                   Num(*minimum));
  }
  if (maximum && (exclusive_max ? d >= *maximum : d > *maximum)) {
    AddInvalid(
        c, path, v,
        std::string("must be less than ") + (exclusive_max ? "" : "or equal to ") + Num(*maximum));
  }
  if (multiple_of && *multiple_of > 0) {
    double q = d / *multiple_of;
    if (std::fabs(q - std::round(q)) > 1e-9)
      AddInvalid(c, path, v, "must be a multiple of " + Num(*multiple_of));
  }
}

void Node::CheckArray(Json& v, const std::string& path, std::vector<FieldCause>* c) const {
  if (items) {
    for (size_t i = 0; i < v.size(); ++i) items->Validate(v[i], Index(path, i), c);
  }
  auto n = static_cast<int64_t>(v.size());
  if (min_items && n < *min_items) {
    AddInvalid(c, path, v, "must have at least " + Plural(*min_items, "item", "items"));
  }
  if (max_items && n > *max_items) {
    c->push_back({path,
                  "Too many: " + std::to_string(n) + ": must have at most " +
                      Plural(*max_items, "item", "items"),
                  "FieldValueTooMany"});
  }
  bool by_keys = list_type == "map" && !list_keys.empty();
  if (!unique && list_type != "set" && !by_keys) return;
  std::set<std::string> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    Json key = v[i];
    if (by_keys) {
      if (!v[i].is_object()) continue;
      key = Json::object();
      for (const std::string& k : list_keys) {
        if (v[i].contains(k)) key[k] = v[i][k];
      }
    }
    if (!seen.insert(key.dump()).second) {
      c->push_back({Index(path, i), "Duplicate value: " + Brief(key), "FieldValueDuplicate"});
    }
  }
}

void Node::CheckObject(Json& v, const std::string& path, std::vector<FieldCause>* c) const {
  for (const auto& [name, prop] : props) {
    auto it = v.find(name);
    if (it != v.end() && it->is_null() && !prop->nullable) {
      v.erase(it);
      it = v.end();
    }
    if (it == v.end() && prop->default_value) v[name] = *prop->default_value;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    std::string p = Join(path, it.key());
    if (names) {
      Json key = it.key();
      names->Validate(key, p, c);
    }
    if (auto prop = props.find(it.key()); prop != props.end()) {
      prop->second->Validate(it.value(), p, c);
    } else if (additional) {
      additional->Validate(it.value(), p, c);
    } else if (Closed() && !(embedded && (it.key() == "apiVersion" || it.key() == "kind" ||
                                          it.key() == "metadata"))) {
      c->push_back({p, "field not declared in schema", "FieldValueForbidden"});
    }
  }
  for (const std::string& r : required) {
    if (!v.contains(r)) c->push_back({Join(path, r), "Required value", "FieldValueRequired"});
  }
  auto n = static_cast<int64_t>(v.size());
  if (min_props && n < *min_props) {
    AddInvalid(c, path, v, "must have at least " + Plural(*min_props, "property", "properties"));
  }
  if (max_props && n > *max_props) {
    c->push_back({path,
                  "Too many: " + std::to_string(n) + ": must have at most " +
                      Plural(*max_props, "property", "properties"),
                  "FieldValueTooMany"});
  }
}

void Node::CheckBranches(Json& v, const std::string& path, std::vector<FieldCause>* c) const {
  for (const auto& b : all_of) b->Validate(v, path, c);
  if (negated) {
    Json copy = v;
    std::vector<FieldCause> errs;
    negated->Validate(copy, path, &errs);
    if (errs.empty()) AddInvalid(c, path, v, "must not be " + negated->Describe());
  }
  if (!any_of.empty()) Choose(any_of, false, v, path, c);
  if (!one_of.empty()) Choose(one_of, true, v, path, c);
}

void Node::Choose(const std::vector<std::unique_ptr<Node>>& branches, bool exactly_one, Json& v,
                  const std::string& path, std::vector<FieldCause>* c) const {
  std::optional<Json> winner;
  std::vector<std::vector<FieldCause>> errs(branches.size());
  int matches = 0;
  for (size_t i = 0; i < branches.size(); ++i) {
    Json copy = v;
    branches[i]->Validate(copy, path, &errs[i]);
    if (!errs[i].empty()) continue;
    if (++matches == 1) winner = std::move(copy);
    if (!exactly_one) break;
  }
  if (matches == 1 || (matches > 1 && !exactly_one)) {
    v = std::move(*winner);
    return;
  }
  std::vector<size_t> compatible;
  for (size_t i = 0; i < branches.size(); ++i) {
    if (branches[i]->AcceptsType(v)) compatible.push_back(i);
  }
  if (matches == 0 && compatible.size() == 1) {
    c->insert(c->end(), errs[compatible[0]].begin(), errs[compatible[0]].end());
    return;
  }
  bool only_required = true;
  std::vector<std::string> fields, forms;
  for (const auto& b : branches) {
    only_required = only_required && b->type.empty() && !b->required.empty() && b->props.empty();
    fields.insert(fields.end(), b->required.begin(), b->required.end());
    forms.push_back(b->Describe());
  }
  if (only_required) {
    AddInvalid(c, path, v,
               std::string("must specify ") + (exactly_one ? "exactly" : "at least") +
                   " one of: " + berth::Join(fields, ", "));
  } else {
    AddInvalid(c, path, v,
               std::string("must be ") + (exactly_one ? "exactly one of " : "") +
                   berth::Join(forms, exactly_one ? ", " : " or "));
  }
}

// A short phrase for messages listing alternatives: "an array of strings".
std::string Node::Describe() const {
  if (int_or_string) return "an integer or a string";
  if (type == "array") {
    return items && !items->type.empty() ? "an array of " + items->type + "s" : "an array";
  }
  if (type == "object" || (type.empty() && !required.empty())) {
    return required.empty() ? "an object" : "an object with " + berth::Join(required, ", ");
  }
  if (type == "integer") return "an integer";
  if (!type.empty()) return "a " + type;
  return "a value of another form";
}

const Node* Node::Child(std::string_view segment) const {
  if (auto it = props.find(segment); it != props.end()) return it->second.get();
  if (items) return items->Child(segment);
  if (additional) {
    const Node* c = additional->Child(segment);
    return c != nullptr ? c : additional.get();  // the segment is a map key
  }
  for (const auto* list : {&any_of, &one_of, &all_of}) {
    for (const auto& b : *list) {
      if (const Node* c = b->Child(segment)) return c;
    }
  }
  return nullptr;
}

const Schema* Node::At(const std::string& dotted_path) const {
  const Node* cur = this;
  for (const std::string& raw : Split(dotted_path, '.', /*skip_empty=*/true)) {
    std::string_view seg = raw;
    if (size_t b = seg.find('['); b != std::string_view::npos) seg = seg.substr(0, b);
    if (seg.empty()) continue;
    cur = cur->Child(seg);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

}  // namespace berth::api::schema_internal
