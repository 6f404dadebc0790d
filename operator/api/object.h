// Object: one berth resource as Kubernetes-style JSON (apiVersion, kind,
// metadata, spec, status), with typed accessors for the metadata every layer
// reads. Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace berth::api {

using Json = nlohmann::json;

inline constexpr std::string_view kGroup = "berth.dev";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "berth.dev/v1alpha1";
inline constexpr std::string_view kDefaultNamespace = "default";

// Identifies an object: Kind/namespace/name (namespace empty when cluster-scoped).
struct ObjectRef {
  std::string kind;
  std::string ns;
  std::string name;
  // "Stack/default/web" or "GpuNode/gpu-b"; the form used in the berth.dev/owner label.
  std::string ToString() const;
  static bool Parse(std::string_view s, ObjectRef* out);
  auto operator<=>(const ObjectRef&) const = default;
};

class Object {
 public:
  Object() : j_(Json::object()) {}
  explicit Object(Json j) : j_(std::move(j)) {}

  const Json& json() const { return j_; }
  Json& json() { return j_; }

  std::string api_version() const { return Str(j_, "apiVersion"); }
  std::string kind() const { return Str(j_, "kind"); }
  std::string name() const { return Str(metadata(), "name"); }
  std::string ns() const { return Str(metadata(), "namespace"); }
  std::string uid() const { return Str(metadata(), "uid"); }
  std::string resource_version() const { return Str(metadata(), "resourceVersion"); }
  int64_t generation() const;
  bool being_deleted() const { return metadata().contains("deletionTimestamp"); }
  ObjectRef ref() const { return {kind(), ns(), name()}; }

  // The metadata object; an empty object when absent.
  const Json& metadata() const;
  Json& mutable_metadata();
  const Json& spec() const;    // null when absent
  const Json& status() const;  // null when absent
  Json& mutable_status();

  std::map<std::string, std::string> labels() const { return StrMap("labels"); }
  std::map<std::string, std::string> annotations() const { return StrMap("annotations"); }
  std::vector<std::string> finalizers() const;
  bool HasFinalizer(std::string_view f) const;
  void AddFinalizer(std::string_view f);
  void RemoveFinalizer(std::string_view f);

  void set_name(std::string_view v) { mutable_metadata()["name"] = v; }
  void set_ns(std::string_view v) { mutable_metadata()["namespace"] = v; }
  void set_resource_version(std::string_view v) { mutable_metadata()["resourceVersion"] = v; }

 private:
  static std::string Str(const Json& j, const char* key);
  std::map<std::string, std::string> StrMap(const char* key) const;
  Json j_;
};

}  // namespace berth::api
