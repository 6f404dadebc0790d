#include "operator/cli/diff_hooks.h"

#include "operator/api/codec.h"

namespace berth::cli {
namespace {

// Provider and Secret manifests change the config files berth renders from
// them (config.json of an Instance, api.yaml of uni-api). The server renders
// both sides with keys redacted: POST /preview/v1/namespaces/NS/PLURAL/NAME
// (controllers/provider/preview_api.h).
Result<std::vector<DiffSection>> RenderedConfigs(ApiClient& client, const PlanItem& item) {
  std::vector<DiffSection> out;
  const std::string& kind = item.object.kind();
  if (kind != "Provider" && kind != "Secret") return out;
  HttpRequest r;
  r.method = "POST";
  r.path = "/preview/v1/namespaces/" + item.ns + "/" +
           (kind == "Provider" ? "providers" : "secrets") + "/" + item.object.name();
  r.body = item.object.json().dump();
  r.content_type = "application/json";
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client.Raw(r));
  if (resp.status == 404 && resp.body.find("RenderPreview") == std::string::npos &&
      resp.body.find("no preview here") == std::string::npos) {
    return out;  // an older server without the preview API: nothing to add
  }
  if (resp.status < 200 || resp.status >= 300) return DecodeErrorResponse(resp.status, resp.body);
  api::Json body = api::Json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
    return Status::Internal("the server's render preview is not a RenderPreview");
  }
  for (const api::Json& it : body["items"]) {
    out.push_back({"rendered/" + it.value("label", std::string("?")),
                   it.value("before", std::string()), it.value("after", std::string())});
  }
  return out;
}

}  // namespace

const std::vector<DiffHook>& DiffHooks() {
  static const std::vector<DiffHook> hooks = {RenderedConfigs};
  return hooks;
}

}  // namespace berth::cli
