#include "operator/apiserver/status_map.h"

#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

using api::Json;

bool AboutDiskSpace(const Status& s) {
  std::string m = ToLower(s.message());
  return m.find("disk") != std::string::npos || m.find("space") != std::string::npos ||
         m.find("storage") != std::string::npos;
}

Json Envelope(int code, std::string_view reason, std::string_view message) {
  return Json{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", Json::object()},
              {"status", "Failure"}, {"message", message}, {"reason", reason},
              {"code", code}};
}

Json Details(const ErrorSubject& subject) {
  Json d = Json::object();
  if (!subject.name.empty()) d["name"] = subject.name;
  if (!subject.group.empty()) d["group"] = subject.group;
  if (!subject.kind.empty()) d["kind"] = subject.kind;
  return d;
}

}  // namespace

int HttpCode(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return 200;
    case Code::kInvalid: return 422;
    case Code::kBadRequest: return 400;
    case Code::kUnauthorized: return 401;
    case Code::kForbidden: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kConflict: return 409;
    case Code::kGone: return 410;
    case Code::kResourceExhausted: return AboutDiskSpace(status) ? 507 : 429;
    case Code::kUnavailable: return 503;
    case Code::kTimeout: return 504;
    case Code::kCancelled: return 503;
    case Code::kInternal: return 500;
  }
  return 500;
}

std::string Reason(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return "";
    case Code::kInvalid: return "Invalid";
    case Code::kBadRequest: return "BadRequest";
    case Code::kUnauthorized: return "Unauthorized";
    case Code::kForbidden: return "Forbidden";
    case Code::kNotFound: return "NotFound";
    case Code::kAlreadyExists: return "AlreadyExists";
    case Code::kConflict: return "Conflict";
    case Code::kGone: return "Expired";
    case Code::kResourceExhausted:
      return AboutDiskSpace(status) ? "InsufficientStorage" : "TooManyRequests";
    case Code::kUnavailable: return "ServiceUnavailable";
    case Code::kTimeout: return "Timeout";
    case Code::kCancelled: return "ServiceUnavailable";
    case Code::kInternal: return "InternalError";
  }
  return "InternalError";
}

Json StatusJson(const Status& status, const ErrorSubject& subject) {
  Json j = Envelope(HttpCode(status), Reason(status), status.message());
  Json details = Details(subject);
  if (!status.causes().empty()) {
    Json causes = Json::array();
    for (const FieldCause& c : status.causes()) {
      causes.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    }
    details["causes"] = std::move(causes);
  }
  if (!details.empty()) j["details"] = std::move(details);
  return j;
}

Json StatusJson(int code, std::string_view reason, std::string_view message) {
  return Envelope(code, reason, message);
}

Json SuccessJson(const ErrorSubject& subject) {
  Json j = {{"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", Json::object()},
            {"status", "Success"}};
  Json details = Details(subject);
  if (!details.empty()) j["details"] = std::move(details);
  return j;
}

Response JsonResponse(int code, const Json& body) {
  Response r;
  r.code = code;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(const Status& status, const ErrorSubject& subject) {
  return JsonResponse(HttpCode(status), StatusJson(status, subject));
}

Response ErrorResponse(int code, std::string_view reason, std::string_view message) {
  return JsonResponse(code, StatusJson(code, reason, message));
}

}  // namespace berth::apiserver
