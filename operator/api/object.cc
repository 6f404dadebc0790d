#include "operator/api/object.h"

#include <algorithm>

#include "operator/common/strings.h"

namespace berth::api {
namespace {
const Json& Null() {
  static const Json null;
  return null;
}
const Json& EmptyObject() {
  static const Json empty = Json::object();
  return empty;
}
}  // namespace

std::string ObjectRef::ToString() const {
  return ns.empty() ? kind + "/" + name : kind + "/" + ns + "/" + name;
}

bool ObjectRef::Parse(std::string_view s, ObjectRef* out) {
  auto parts = Split(s, '/');
  if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty()) {
    *out = {parts[0], "", parts[1]};
    return true;
  }
  if (parts.size() == 3 && !parts[0].empty() && !parts[1].empty() && !parts[2].empty()) {
    *out = {parts[0], parts[1], parts[2]};
    return true;
  }
  return false;
}

std::string Object::Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

int64_t Object::generation() const {
  const Json& m = metadata();
  auto it = m.find("generation");
  return it != m.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

const Json& Object::metadata() const {
  auto it = j_.find("metadata");
  return it != j_.end() && it->is_object() ? *it : EmptyObject();
}

Json& Object::mutable_metadata() {
  Json& m = j_["metadata"];
  if (!m.is_object()) m = Json::object();
  return m;
}

const Json& Object::spec() const {
  auto it = j_.find("spec");
  return it != j_.end() ? *it : Null();
}

const Json& Object::status() const {
  auto it = j_.find("status");
  return it != j_.end() ? *it : Null();
}

Json& Object::mutable_status() {
  Json& s = j_["status"];
  if (!s.is_object()) s = Json::object();
  return s;
}

std::map<std::string, std::string> Object::StrMap(const char* key) const {
  std::map<std::string, std::string> out;
  const Json& m = metadata();
  auto it = m.find(key);
  if (it == m.end() || !it->is_object()) return out;
  for (auto& [k, v] : it->items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

std::vector<std::string> Object::finalizers() const {
  std::vector<std::string> out;
  const Json& m = metadata();
  auto it = m.find("finalizers");
  if (it == m.end() || !it->is_array()) return out;
  for (auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool Object::HasFinalizer(std::string_view f) const {
  auto fs = finalizers();
  return std::find(fs.begin(), fs.end(), f) != fs.end();
}

void Object::AddFinalizer(std::string_view f) {
  if (HasFinalizer(f)) return;
  Json& arr = mutable_metadata()["finalizers"];
  if (!arr.is_array()) arr = Json::array();
  arr.push_back(f);
}

void Object::RemoveFinalizer(std::string_view f) {
  Json& m = mutable_metadata();
  auto it = m.find("finalizers");
  if (it == m.end() || !it->is_array()) return;
  Json kept = Json::array();
  for (auto& v : *it) {
    if (!(v.is_string() && v.get<std::string>() == f)) kept.push_back(v);
  }
  if (kept.empty()) {
    m.erase("finalizers");
  } else {
    *it = std::move(kept);
  }
}

}  // namespace berth::api
