// The labels berth puts on the Docker objects it owns (BRIEF §2). berth never
// touches a container, network or volume without kManagedBy = kManagedByValue.
#pragma once

#include <map>
#include <string>

#include "operator/api/object.h"

namespace berth::api::labels {

inline constexpr const char* kManagedBy = "berth.dev/managed-by";
inline constexpr const char* kManagedByValue = "berth";
inline constexpr const char* kOwner = "berth.dev/owner";        // Kind/namespace/name
inline constexpr const char* kService = "berth.dev/service";    // a Stack's service
inline constexpr const char* kSpecHash = "berth.dev/spec-hash";
inline constexpr const char* kNetwork = "berth.dev/network";    // a Stack's network key
inline constexpr const char* kVolume = "berth.dev/volume";      // a Stack's volume key
inline constexpr const char* kRole = "berth.dev/role";          // service | job | instance

// kManagedBy and kOwner for `owner`.
inline std::map<std::string, std::string> Owned(const ObjectRef& owner) {
  return {{kManagedBy, kManagedByValue}, {kOwner, owner.ToString()}};
}

// Docker label filters ("key=value") selecting objects owned by `owner`.
inline std::vector<std::string> OwnerFilter(const ObjectRef& owner) {
  return {std::string(kManagedBy) + "=" + kManagedByValue,
          std::string(kOwner) + "=" + owner.ToString()};
}

// Docker label filter selecting everything berth manages.
inline std::vector<std::string> ManagedFilter() {
  return {std::string(kManagedBy) + "=" + kManagedByValue};
}

}  // namespace berth::api::labels
