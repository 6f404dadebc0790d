// Internal to the API server: the handler functions, one file per concern,
// and what they share. Every handler returns a Response (errors as Status
// objects) and records what it served in `RouteInfo` for metrics and logs.
#pragma once

#include <string>

#include "operator/api/catalog.h"
#include "operator/apiserver/api_metrics.h"
#include "operator/apiserver/auth.h"
#include "operator/apiserver/http.h"
#include "operator/apiserver/log_source.h"
#include "operator/apiserver/server.h"
#include "operator/apiserver/status_map.h"
#include "operator/registry/registry.h"

namespace berth::apiserver {

// What the handlers share. Owned by the Server; outlives every request.
struct Context {
  registry::Registry& registry;
  TokenStore& tokens;
  ApiMetrics& metrics;
  const ServerOptions& options;
  LogSource* log_source = nullptr;
};

// Filled in while routing: the Kubernetes verb and the resource, for
// /metrics labels and the access log.
struct RouteInfo {
  std::string verb = "unknown";
  std::string resource = "other";
};

// A parsed /apis/berth.dev/v1alpha1/... path.
struct ResourcePath {
  const api::KindInfo* kind = nullptr;
  std::string ns;             // empty: cluster-scoped kind, or every namespace
  std::string name;           // empty: the collection
  std::string subresource;    // "", "status" or "log"
  bool legacy_watch = false;  // the path began with /watch/
};

// Parses the segments after "apis/berth.dev/v1alpha1". NotFound for paths
// that name no resource.
Result<ResourcePath> ParseResourcePath(const api::Catalog& catalog,
                                       const std::vector<std::string>& rest);

// The Kubernetes verb of a request on `path` (get, list, watch, create,
// update, patch, delete, deletecollection), or "" when the method is not
// allowed there.
std::string VerbOf(const Request& req, const ResourcePath& path);
// Whether `role` may perform `verb` on berth resources.
bool RoleAllows(Role role, const std::string& verb);

// discovery.cc: /api, /apis, /apis/berth.dev, /apis/berth.dev/v1alpha1, /version.
Response ServeDiscovery(const Context& ctx, const Request& req);
Response ServeVersion(const Request& req);
// openapi.cc: /openapi/v2, /openapi/v3[/...].
Response ServeOpenApi(const Context& ctx, const Request& req);
// objects_read.cc / objects_write.cc / watch.cc / logs.cc.
Response ServeGet(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeList(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeWatch(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeCreate(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeUpdate(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServePatch(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeDelete(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeDeleteCollection(const Context& ctx, const Request& req, const ResourcePath& path);
Response ServeLog(const Context& ctx, const Request& req, const ResourcePath& path);
// tokens.cc: /auth/v1/tokens[/{name}] (admin only; checked by the router).
Response ServeTokens(const Context& ctx, const Request& req, RouteInfo& info);

// Shared by the object handlers (objects_common.cc).
ErrorSubject SubjectOf(const ResourcePath& path, const std::string& name = "");
// True when Secrets may be shown in clear to this caller (admin + ?reveal=true).
bool Reveals(const Request& req);
// The object as this caller may see it (Secrets redacted unless revealed).
api::Json ForCaller(const Request& req, const api::Object& obj);
// The JSON body of a write request (JSON or, with a YAML content type, YAML).
Result<api::Json> ParseBody(const Request& req);
// Whether ?dryRun asks for a dry run ("All"); BadRequest for other values.
Result<bool> DryRun(const Request& req);

}  // namespace berth::apiserver
