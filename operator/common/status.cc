#include "operator/common/status.h"

namespace berth {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalid: return "Invalid";
    case Code::kBadRequest: return "BadRequest";
    case Code::kUnauthorized: return "Unauthorized";
    case Code::kForbidden: return "Forbidden";
    case Code::kNotFound: return "NotFound";
    case Code::kAlreadyExists: return "AlreadyExists";
    case Code::kConflict: return "Conflict";
    case Code::kGone: return "Gone";
    case Code::kResourceExhausted: return "ResourceExhausted";
    case Code::kUnavailable: return "ServiceUnavailable";
    case Code::kTimeout: return "Timeout";
    case Code::kCancelled: return "Cancelled";
    case Code::kInternal: return "InternalError";
  }
  return "Unknown";
}

Status Status::Invalid(std::string msg, std::vector<FieldCause> causes) {
  Status s(Code::kInvalid, std::move(msg));
  s.causes_ = std::move(causes);
  return s;
}

Status Status::Prefixed(std::string_view prefix) const {
  Status s = *this;
  s.message_ = std::string(prefix) + ": " + message_;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = std::string(CodeName(code_)) + ": " + message_;
  for (const auto& c : causes_) out += "\n  " + c.field + ": " + c.message;
  return out;
}

}  // namespace berth
