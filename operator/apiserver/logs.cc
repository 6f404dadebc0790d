// GET .../namespaces/{ns}/stacks/{name}/log?service=X&follow=true&tailLines=N:
// the service's container log as text/plain, streamed from the LogSource.
#include "operator/apiserver/handlers.h"
#include "operator/common/strings.h"

namespace berth::apiserver {

Response ServeLog(const Context& ctx, const Request& req, const ResourcePath& path) {
  if (ctx.log_source == nullptr) {
    return ErrorResponse(501, "NotImplemented", "logs are not available on this server");
  }
  std::string service = req.Query("service", req.Query("container"));
  if (service.empty()) {
    return ErrorResponse(Status::BadRequest("the service query parameter is required"),
                         SubjectOf(path));
  }
  long long tail = -1;
  if (req.HasQuery("tailLines") && (!ParseInt64(req.Query("tailLines"), &tail) || tail < 0)) {
    return ErrorResponse(Status::BadRequest("tailLines must be a non-negative integer"));
  }
  // The object must exist before the stream starts, so a typo is a 404.
  auto obj = ctx.registry.Get(path.kind->kind, path.ns, path.name);
  if (!obj.ok()) return ErrorResponse(obj.status(), SubjectOf(path));

  Response r;
  r.content_type = "text/plain; charset=utf-8";
  LogSource* source = ctx.log_source;
  api::ObjectRef ref = obj->ref();
  bool follow = req.QueryFlag("follow");
  int tail_lines = static_cast<int>(tail);
  r.stream = [source, ref, service, follow, tail_lines](StreamSink& sink) {
    Status st = source->Stream(ref, service, follow, tail_lines,
                               [&sink](std::string_view chunk) { return sink.Write(chunk); });
    if (!st.ok() && sink.Alive()) sink.Write("\nberth: " + st.ToString() + "\n");
  };
  return r;
}

}  // namespace berth::apiserver
