// Internal to the schema implementation (schema.cc validates,
// schema_compile.cc compiles): the compiled form of one OpenAPI schema node.
// Not part of berth's API; include schema.h instead.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/schema.h"

namespace berth::api::schema_internal {

// Field paths: map keys are dotted segments, array elements are [i].
inline std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
inline std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

class Node final : public Schema {
 public:
  void Validate(Json& v, const std::string& path, std::vector<FieldCause>* causes) const override;
  const Schema* At(const std::string& dotted_path) const override;
  const Json& source() const override { return *src; }

  // Compiled keywords, set once by the Compiler.
  std::shared_ptr<const Json> doc;  // set on the root only: keeps `src` pointers alive
  const Json* src = nullptr;
  std::string type, format, list_type, pattern_text, pattern_hint;
  bool nullable = false, preserve = false, int_or_string = false, embedded = false;
  bool coerce = false, unique = false, additional_any = false;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> props;
  std::vector<std::string> required, list_keys;
  std::unique_ptr<Node> additional, items, names, negated;
  std::vector<std::unique_ptr<Node>> any_of, one_of, all_of;
  std::vector<Json> enumeration;
  std::optional<std::regex> pattern;
  std::optional<double> minimum, maximum, multiple_of;
  bool exclusive_min = false, exclusive_max = false;
  std::optional<int64_t> min_length, max_length, min_items, max_items, min_props, max_props;
  std::optional<Json> default_value;

 private:
  bool AcceptsType(const Json& v) const;
  bool Closed() const { return type == "object" && !additional && !additional_any && !preserve; }
  void CheckString(const Json& v, const std::string& path, std::vector<FieldCause>* c) const;
  void CheckNumber(const Json& v, const std::string& path, std::vector<FieldCause>* c) const;
  void CheckArray(Json& v, const std::string& path, std::vector<FieldCause>* c) const;
  void CheckObject(Json& v, const std::string& path, std::vector<FieldCause>* c) const;
  void CheckBranches(Json& v, const std::string& path, std::vector<FieldCause>* c) const;
  void Choose(const std::vector<std::unique_ptr<Node>>& branches, bool exactly_one, Json& v,
              const std::string& path, std::vector<FieldCause>* c) const;
  std::string Describe() const;
  const Node* Child(std::string_view segment) const;
};

}  // namespace berth::api::schema_internal
