// The labels berth puts on the Docker objects it owns (BRIEF §2). berth never
// touches a container, network or volume without kManagedBy = kManagedByValue.
#pragma once

#include <map>
#include <string>

#include "operator/api/object.h"

namespace berth::api::labels {

inline constexpr const char* kManagedBy = "berth.dev/managed-by";
inline constexpr const char* kManagedByValue = "berth";
inline constexpr const char* kOwner = "berth.dev/owner";      // Kind/namespace/name
inline constexpr const char* kService = "berth.dev/service";  // a Stack's service
inline constexpr const char* kSpecHash = "berth.dev/spec-hash";
inline constexpr const char* kNetwork = "berth.dev/network";  // a Stack's network key
inline constexpr const char* kVolume = "berth.dev/volume";    // a Stack's volume key
inline constexpr const char* kRole = "berth.dev/role";        // service | job | instance
// The identity of the store whose controllers made the object (a UUID kept in
// the store). Several berth stores may share one Docker engine: an object
// labelled with another cluster belongs to another berth and is never touched.
inline constexpr const char* kCluster = "berth.dev/cluster";

// kManagedBy and kOwner for `owner`.
inline std::map<std::string, std::string> Owned(const ObjectRef& owner) {
  return {{kManagedBy, kManagedByValue}, {kOwner, owner.ToString()}};
}

// Docker label filters ("key=value") selecting objects owned by `owner`.
inline std::vector<std::string> OwnerFilter(const ObjectRef& owner) {
  return {std::string(kManagedBy) + "=" + kManagedByValue,
          std::string(kOwner) + "=" + owner.ToString()};
}

// True when `l` names a cluster other than `cluster`: another berth store's
// object. Objects without the label (made before it existed) are not.
inline bool OtherCluster(const std::map<std::string, std::string>& l, const std::string& cluster) {
  auto it = l.find(kCluster);
  return !cluster.empty() && it != l.end() && it->second != cluster;
}

// True when `l` is certainly this cluster's: labelled with `cluster`, or no
// cluster is configured (one berth per engine).
inline bool ThisCluster(const std::map<std::string, std::string>& l, const std::string& cluster) {
  auto it = l.find(kCluster);
  return cluster.empty() || (it != l.end() && it->second == cluster);
}

// Docker label filter selecting everything berth manages.
inline std::vector<std::string> ManagedFilter() {
  return {std::string(kManagedBy) + "=" + kManagedByValue};
}

}  // namespace berth::api::labels
