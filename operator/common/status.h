// Status: the error value every berth library boundary returns.
//
// A Status is a code, a human message, and optional field causes (the path of
// the offending field and what is wrong with it). Codes map one-to-one onto the
// Kubernetes Status reasons the API server returns. A default Status is OK.
// Thread-compatible: copy freely, do not share mutable instances.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth {

enum class Code {
  kOk = 0,
  kInvalid,            // 422: the object fails validation; causes name fields
  kBadRequest,         // 400: the request cannot be parsed
  kUnauthorized,       // 401
  kForbidden,          // 403
  kNotFound,           // 404
  kAlreadyExists,      // 409
  kConflict,           // 409: stale resourceVersion, lost race
  kGone,               // 410: watch from a compacted revision
  kResourceExhausted,  // 429 or 507: quota, disk full
  kUnavailable,        // 503: a dependency (database, Docker engine) is down
  kTimeout,            // 504
  kCancelled,          // the caller asked to stop
  kInternal,           // 500: a bug or an unexpected state
};

// Returns the Kubernetes-style reason for a code ("NotFound", "Conflict", ...).
std::string_view CodeName(Code code);

// One field-level problem, as in a Kubernetes StatusCause.
struct FieldCause {
  std::string field;    // dotted path, e.g. "spec.services.pg_init.image"
  std::string message;  // what is wrong, e.g. "Required value"
  std::string reason = "FieldValueInvalid";
  bool operator==(const FieldCause&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string msg, std::vector<FieldCause> causes = {});
  static Status BadRequest(std::string msg) { return {Code::kBadRequest, std::move(msg)}; }
  static Status Unauthorized(std::string msg) { return {Code::kUnauthorized, std::move(msg)}; }
  static Status Forbidden(std::string msg) { return {Code::kForbidden, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
  static Status Gone(std::string msg) { return {Code::kGone, std::move(msg)}; }
  static Status Exhausted(std::string msg) { return {Code::kResourceExhausted, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {Code::kCancelled, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldCause>& causes() const { return causes_; }

  // Returns a copy whose message is "<prefix>: <message>".
  Status Prefixed(std::string_view prefix) const;
  // "NotFound: stack default/web not found"; causes appended one per line.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldCause> causes_;
};

// Propagates a non-OK Status out of the enclosing function.
#define BERTH_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::berth::Status berth_st_ = (expr);    \
    if (!berth_st_.ok()) return berth_st_; \
  } while (0)

}  // namespace berth
