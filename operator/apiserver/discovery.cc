// Discovery: what kubectl reads before anything else. Plain (unaggregated)
// JSON discovery only: a client asking for the aggregated form
// (apidiscovery.k8s.io) gets application/json and falls back, as client-go
// does with servers older than 1.26.
#include "operator/apiserver/handlers.h"
#include "operator/common/strings.h"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.1.0"
#endif

namespace berth::apiserver {
namespace {

using api::Json;

Json GroupVersion() {
  return {{"groupVersion", api::kApiVersion}, {"version", api::kVersion}};
}

Json Group() {
  return {{"name", api::kGroup},
          {"versions", Json::array({GroupVersion()})},
          {"preferredVersion", GroupVersion()}};
}

Json ResourceList(const api::Catalog& catalog) {
  Json resources = Json::array();
  for (const api::KindInfo& k : catalog.kinds()) {
    resources.push_back(
        {{"name", k.plural},
         {"singularName", k.singular},
         {"namespaced", k.namespaced},
         {"kind", k.kind},
         {"verbs",
          {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}},
         {"shortNames", k.short_names},
         {"categories", k.categories},
         {"storageVersionHash", Sha256Hex(k.kind).substr(0, 11)}});
    if (k.status_subresource) {
      resources.push_back({{"name", k.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", k.namespaced},
                           {"kind", k.kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
    if (k.kind == "Stack") {
      resources.push_back({{"name", k.plural + "/log"},
                           {"singularName", ""},
                           {"namespaced", k.namespaced},
                           {"kind", k.kind},
                           {"verbs", {"get"}}});
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", api::kApiVersion},
          {"resources", std::move(resources)}};
}

}  // namespace

std::string ServerGitVersion() {
  return std::string("v1.27.0-berth.") + BERTH_VERSION;
}

Response ServeVersion(const Request& req) {
  return JsonResponse(200, Json{{"major", "1"},
                                {"minor", "27"},
                                {"gitVersion", ServerGitVersion()},
                                {"gitCommit", ""},
                                {"gitTreeState", "clean"},
                                {"buildDate", "1970-01-01T00:00:00Z"},
                                {"goVersion", "n/a (berth is C++)"},
                                {"compiler", "gcc"},
                                {"platform", "linux/amd64"}});
}

Response ServeDiscovery(const Context& ctx, const Request& req) {
  const auto& s = req.segments;
  if (s.size() == 1 && s[0] == "api") {
    return JsonResponse(200, Json{{"kind", "APIVersions"},
                                  {"versions", Json::array()},
                                  {"serverAddressByClientCIDRs", Json::array()}});
  }
  if (s.size() == 1 && s[0] == "apis") {
    return JsonResponse(
        200,
        Json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", Json::array({Group()})}});
  }
  if (s.size() == 2 && s[1] == api::kGroup) {
    Json g = Group();
    g["kind"] = "APIGroup";
    g["apiVersion"] = "v1";
    return JsonResponse(200, g);
  }
  if (s.size() == 3 && s[1] == api::kGroup && s[2] == api::kVersion) {
    return JsonResponse(200, ResourceList(ctx.registry.catalog()));
  }
  return ErrorResponse(Status::NotFound("the server could not find the requested resource"));
}

}  // namespace berth::apiserver
