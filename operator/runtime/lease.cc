#include "operator/runtime/lease.h"

#include <nlohmann/json.hpp>

#include "operator/common/time_format.h"

namespace berth::runtime {

std::string EncodeLease(const Lease& lease) {
  nlohmann::json j = {
      {"holderIdentity", lease.holder_identity},
      {"leaseDurationSeconds", lease.lease_duration_seconds},
      {"acquireTime", FormatRfc3339Micro(lease.acquire_time)},
      {"renewTime", FormatRfc3339Micro(lease.renew_time)},
      {"leaseTransitions", lease.lease_transitions},
  };
  return j.dump();
}

Result<Lease> DecodeLease(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::BadRequest("lease is not a JSON object");
  Lease lease;
  auto holder = j.find("holderIdentity");
  if (holder != j.end() && holder->is_string()) lease.holder_identity = holder->get<std::string>();
  auto duration = j.find("leaseDurationSeconds");
  if (duration == j.end() || !duration->is_number_integer()) {
    return Status::BadRequest("lease has no integer leaseDurationSeconds");
  }
  lease.lease_duration_seconds = duration->get<int64_t>();
  auto time_field = [&](const char* name, std::chrono::system_clock::time_point* out) -> Status {
    auto it = j.find(name);
    if (it == j.end()) return Status::Ok();
    if (!it->is_string())
      return Status::BadRequest(std::string("lease ") + name + " is not a string");
    auto t = ParseRfc3339(it->get<std::string>());
    if (!t) return Status::BadRequest(std::string("lease ") + name + " is not RFC 3339");
    *out = *t;
    return Status::Ok();
  };
  BERTH_RETURN_IF_ERROR(time_field("acquireTime", &lease.acquire_time));
  BERTH_RETURN_IF_ERROR(time_field("renewTime", &lease.renew_time));
  auto transitions = j.find("leaseTransitions");
  if (transitions != j.end() && transitions->is_number_integer()) {
    lease.lease_transitions = transitions->get<int64_t>();
  }
  return lease;
}

bool LeaseExpired(const Lease& lease, std::chrono::system_clock::time_point now) {
  if (lease.holder_identity.empty()) return true;
  return lease.renew_time + std::chrono::seconds(lease.lease_duration_seconds) < now;
}

}  // namespace berth::runtime
