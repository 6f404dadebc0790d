// Helpers shared by the object handlers.
#include "operator/api/codec.h"
#include "operator/apiserver/handlers.h"
#include "operator/apiserver/redact.h"
#include "operator/common/strings.h"

namespace berth::apiserver {

ErrorSubject SubjectOf(const ResourcePath& path, const std::string& name) {
  return {name.empty() ? path.name : name, path.kind != nullptr ? path.kind->plural : "",
          std::string(api::kGroup)};
}

bool Reveals(const Request& req) {
  return req.user.role == Role::kAdmin && req.QueryFlag("reveal");
}

api::Json ForCaller(const Request& req, const api::Object& obj) {
  api::Json j = obj.json();
  if (IsSensitiveKind(obj.kind()) && !Reveals(req)) RedactSecret(j);
  return j;
}

Result<api::Json> ParseBody(const Request& req) {
  if (Trim(req.body).empty()) return Status::BadRequest("the request body is empty");
  std::string ct = ToLower(req.Header("content-type"));
  Result<api::Json> parsed =
      ct.find("yaml") != std::string::npos ? api::ParseYaml(req.body) : api::ParseJson(req.body);
  if (!parsed.ok())
    return Status::BadRequest("the request body is not valid: " + parsed.status().message());
  if (!parsed->is_object()) return Status::BadRequest("the request body must be a JSON object");
  return parsed;
}

Result<bool> DryRun(const Request& req) {
  if (!req.HasQuery("dryRun")) return false;
  std::string v = req.Query("dryRun");
  if (v == "All") return true;
  if (v.empty()) return false;
  return Status::BadRequest("dryRun must be \"All\", not \"" + v + "\"");
}

}  // namespace berth::apiserver
