// OpenAPI, as far as kubectl needs it. kubectl apply downloads /openapi/v2
// (protobuf) to validate manifests client-side and to decide how to patch:
// a document without berth's kinds makes it skip client-side validation
// (berth validates strictly on the server) and send JSON merge patches, as
// it does for CustomResourceDefinitions it has no schema for. /openapi/v3 is
// not served (404), which kubectl >= 1.27 treats as "fall back to v2".
#include "operator/apiserver/handlers.h"

namespace berth::apiserver {

Response ServeOpenApi(const Context& ctx, const Request& req) {
  const auto& s = req.segments;
  if (s.size() == 2 && s[1] == "v2") {
    if (req.Header("accept").find("protobuf") != std::string::npos) {
      Response r;
      // The kube-apiserver answers with dots: Go's mime parser refuses the "@".
      r.content_type = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
      r.body = "";  // an empty openapi_v2.Document
      return r;
    }
    return JsonResponse(200,
                        api::Json{{"swagger", "2.0"},
                                  {"info", {{"title", "berth"}, {"version", ServerGitVersion()}}},
                                  {"paths", api::Json::object()},
                                  {"definitions", api::Json::object()}});
  }
  return ErrorResponse(Status::NotFound("the server could not find the requested resource"));
}

}  // namespace berth::apiserver
