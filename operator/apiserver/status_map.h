// Errors on the wire: every failed request answers with a Kubernetes Status
// object ({"kind":"Status","apiVersion":"v1","status":"Failure",...}).
// One mapping from berth::Status to HTTP code and reason. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "operator/api/object.h"
#include "operator/apiserver/http.h"
#include "operator/common/status.h"

namespace berth::apiserver {

// What an error is about, for Status.details.
struct ErrorSubject {
  std::string name;   // object name, when there is one
  std::string kind;   // plural resource ("stacks"), as Kubernetes reports it
  std::string group;  // "berth.dev" for berth resources
};

// HTTP code and Kubernetes reason for a non-OK status:
//   Invalid 422 Invalid, BadRequest 400, Unauthorized 401, Forbidden 403,
//   NotFound 404, AlreadyExists 409, Conflict 409, Gone 410 Expired,
//   ResourceExhausted 429 TooManyRequests (507 InsufficientStorage when the
//   message is about disk space), Unavailable/Cancelled 503 ServiceUnavailable,
//   Timeout 504, Internal 500 InternalError.
int HttpCode(const Status& status);
std::string Reason(const Status& status);

// The Status object for `status` (must not be OK).
api::Json StatusJson(const Status& status, const ErrorSubject& subject = {});
// A Status object for errors that are not berth::Status codes (405, 406, 415).
api::Json StatusJson(int code, std::string_view reason, std::string_view message);
// A success Status ({"status":"Success"}), as returned by some deletes.
api::Json SuccessJson(const ErrorSubject& subject);

// Responses carrying those objects.
Response ErrorResponse(const Status& status, const ErrorSubject& subject = {});
Response ErrorResponse(int code, std::string_view reason, std::string_view message);
Response JsonResponse(int code, const api::Json& body);

}  // namespace berth::apiserver
