#include "operator/cli/diff_hooks.h"

#include <map>

#include "operator/api/codec.h"

namespace berth::cli {
namespace {

// Provider and Secret manifests change the config files berth renders from
// them (config.json of an Instance, api.yaml of uni-api); Stack and Instance
// manifests change them by choosing other Providers (render.providers,
// providerSelector, providerRef, spec.provider). The server renders both
// sides with keys redacted: POST /preview/v1/namespaces/NS/PLURAL/NAME
// (controllers/provider/preview_api.h).
Result<std::vector<DiffSection>> RenderedConfigs(ApiClient& client, const PlanItem& item) {
  static const std::map<std::string, std::string> kPlurals = {{"Provider", "providers"},
                                                              {"Secret", "secrets"},
                                                              {"Stack", "stacks"},
                                                              {"Instance", "instances"}};
  std::vector<DiffSection> out;
  const std::string& kind = item.object.kind();
  auto plural = kPlurals.find(kind);
  if (plural == kPlurals.end()) return out;
  HttpRequest r;
  r.method = "POST";
  r.path = "/preview/v1/namespaces/" + item.ns + "/" + plural->second + "/" + item.object.name();
  r.body = item.object.json().dump();
  r.content_type = "application/json";
  bool optional = kind == "Stack" || kind == "Instance";  // newer parts of the preview API
  auto raw = client.Raw(r);
  if (!raw.ok() && optional && raw.status().code() == Code::kNotFound) return out;
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, std::move(raw));
  bool older = resp.status == 404 && resp.body.find("RenderPreview") == std::string::npos &&
               (resp.body.find("no preview here") == std::string::npos || kind == "Stack" ||
                kind == "Instance");
  if (older) return out;  // an older server without (this part of) the preview API
  if (resp.status < 200 || resp.status >= 300) return DecodeErrorResponse(resp.status, resp.body);
  api::Json body = api::Json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
    return Status::Internal("the server's render preview is not a RenderPreview");
  }
  for (const api::Json& it : body["items"]) {
    // The server's label already reads "rendered/<ns>/...".
    std::string label = it.value("label", std::string("?"));
    if (!label.starts_with("rendered/")) label = "rendered/" + label;
    out.push_back({label, it.value("before", std::string()), it.value("after", std::string())});
  }
  return out;
}

}  // namespace

const std::vector<DiffHook>& DiffHooks() {
  static const std::vector<DiffHook> hooks = {RenderedConfigs};
  return hooks;
}

}  // namespace berth::cli
