#include "controllers/provider/preview_api.h"

#include <map>

#include "controllers/provider/preview.h"
#include "operator/apiserver/status_map.h"

namespace berth::provider {

using api::Json;

apiserver::Response PreviewApi::Handle(const apiserver::Request& req) {
  static const std::map<std::string, std::string> kKinds = {{"providers", "Provider"},
                                                            {"secrets", "Secret"},
                                                            {"stacks", "Stack"},
                                                            {"instances", "Instance"}};
  const auto& s = req.segments;  // preview v1 namespaces NS PLURAL NAME
  if (s.size() != 6 || s[2] != "namespaces" || !kKinds.count(s[4])) {
    return apiserver::ErrorResponse(Status::NotFound(
        "no preview here: POST "
        "/preview/v1/namespaces/{ns}/{providers|secrets|stacks|instances}/{name}"));
  }
  if (req.method != "POST") {
    return apiserver::ErrorResponse(405, "MethodNotAllowed", "a preview is a POST");
  }
  std::string kind = kKinds.at(s[4]);
  apiserver::ErrorSubject subject{s[5], s[4], "berth.dev"};
  registry::WriteOptions opts;
  opts.dry_run = true;
  auto merged =
      registry_.Patch(kind, s[3], s[5], registry::PatchType::kApply, req.body, false, opts);
  if (!merged.ok()) return apiserver::ErrorResponse(merged.status(), subject);
  auto items = PreviewChange(registry_, *merged);
  if (!items.ok()) return apiserver::ErrorResponse(items.status(), subject);
  Json out = {{"apiVersion", "berth.dev/v1alpha1"}, {"kind", "RenderPreview"}};
  out["items"] = Json::array();
  for (const PreviewItem& it : *items) {
    out["items"].push_back({{"consumer", it.consumer},
                            {"service", it.service},
                            {"path", it.path},
                            {"label", it.Label()},
                            {"before", it.before},
                            {"after", it.after}});
  }
  return apiserver::JsonResponse(200, out);
}

}  // namespace berth::provider
