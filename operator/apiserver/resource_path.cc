// Resource paths, verbs and which role may use which verb.
#include "operator/apiserver/handlers.h"

namespace berth::apiserver {
namespace {

Status NoResource() {
  return Status::NotFound("the server could not find the requested resource");
}

}  // namespace

Result<ResourcePath> ParseResourcePath(const api::Catalog& catalog,
                                       const std::vector<std::string>& rest) {
  ResourcePath p;
  size_t i = 0;
  if (i < rest.size() && rest[i] == "watch") {
    p.legacy_watch = true;
    ++i;
  }
  bool has_ns = false;
  if (i + 1 < rest.size() && rest[i] == "namespaces") {
    p.ns = rest[i + 1];
    has_ns = true;
    i += 2;
  }
  if (i >= rest.size()) return NoResource();
  const api::KindInfo* kind = catalog.Find(rest[i]);
  if (kind == nullptr || kind->plural != rest[i]) return NoResource();
  p.kind = kind;
  ++i;
  if (i < rest.size()) p.name = rest[i++];
  if (i < rest.size()) p.subresource = rest[i++];
  if (i < rest.size()) return NoResource();
  if (has_ns && !kind->namespaced) return NoResource();
  // A namespaced object is addressed inside its namespace; without one only
  // the cluster-wide collection exists.
  if (!has_ns && kind->namespaced && !p.name.empty()) return NoResource();
  if (!p.subresource.empty()) {
    bool ok = (p.subresource == "status" && kind->status_subresource) ||
              (p.subresource == "log" && kind->kind == "Stack");
    if (!ok || p.legacy_watch) return NoResource();
  }
  return p;
}

std::string VerbOf(const Request& req, const ResourcePath& path) {
  const std::string& m = req.method;
  bool watch = path.legacy_watch || req.QueryFlag("watch");
  if (m == "GET" || m == "HEAD") {
    if (watch) return "watch";
    return path.name.empty() ? "list" : "get";
  }
  if (watch) return "";
  if (m == "POST") return path.name.empty() ? "create" : "";
  if (path.subresource == "log") return "";
  if (m == "PUT") return path.name.empty() ? "" : "update";
  if (m == "PATCH") return path.name.empty() ? "" : "patch";
  if (m == "DELETE") {
    if (!path.subresource.empty()) return "";
    return path.name.empty() ? "deletecollection" : "delete";
  }
  return "";
}

bool RoleAllows(Role role, const std::string& verb) {
  switch (role) {
    case Role::kAdmin:
    case Role::kEditor: return true;
    case Role::kViewer: return verb == "get" || verb == "list" || verb == "watch";
    case Role::kProvisioner: return false;
  }
  return false;
}

}  // namespace berth::apiserver
