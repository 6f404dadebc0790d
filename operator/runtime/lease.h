// Lease: the leader lock's record in the store, as JSON compatible in spirit
// with coordination.k8s.io Lease's spec:
//   {"holderIdentity": "...", "leaseDurationSeconds": 8,
//    "acquireTime": RFC3339 micro, "renewTime": RFC3339 micro,
//    "leaseTransitions": 3}
// Pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "operator/common/result.h"

namespace berth::runtime {

struct Lease {
  std::string holder_identity;  // "" when released
  int64_t lease_duration_seconds = 0;
  std::chrono::system_clock::time_point acquire_time{};
  std::chrono::system_clock::time_point renew_time{};
  int64_t lease_transitions = 0;
};

std::string EncodeLease(const Lease& lease);
// BadRequest when `json` is not a lease.
Result<Lease> DecodeLease(std::string_view json);
// True when nobody holds the lease at `now`: no holder, or
// renewTime + leaseDurationSeconds < now.
bool LeaseExpired(const Lease& lease, std::chrono::system_clock::time_point now);

}  // namespace berth::runtime
