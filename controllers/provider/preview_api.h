// The HTTP face of preview.h, for `berth diff`:
//
//   POST /preview/v1/namespaces/{ns}/{providers|secrets|stacks|instances}/{name}
//        [?fieldManager=F]
//   body: the manifest of the object (JSON or YAML), as `apply` would send it
//   (a Provider or Secret: every consumer it feeds; a Stack or Instance: its
//   own rendered files, e.g. after a changed render.providers or
//   spec.provider; see preview.h)
//
// The server dry-run-applies the manifest (the same admission as apply: a
// refused change is 422 here too) and answers
//   {"apiVersion": "berth.dev/v1alpha1", "kind": "RenderPreview",
//    "items": [{"consumer", "service", "path", "label", "before", "after"}]}
// with every API key redacted. Registered with Server::AddRoutes for the
// roles that may apply (admin, editor). Thread-safe.
#pragma once

#include "operator/apiserver/http.h"
#include "operator/registry/registry.h"

namespace berth::provider {

inline constexpr const char* kPreviewPrefix = "/preview/v1/";

class PreviewApi {
 public:
  explicit PreviewApi(registry::Registry& registry) : registry_(registry) {}
  apiserver::Response Handle(const apiserver::Request& req);

 private:
  registry::Registry& registry_;
};

}  // namespace berth::provider
