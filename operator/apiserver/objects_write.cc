// POST, PUT, PATCH and DELETE of objects.
#include "operator/apiserver/handlers.h"
#include "operator/apiserver/redact.h"
#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

using api::Json;

// Fills apiVersion/kind/namespace from the URL when the body leaves them
// out, and refuses bodies that contradict the URL.
Status MatchUrl(Json& body, const ResourcePath& path, bool check_name) {
  const api::KindInfo& kind = *path.kind;
  if (!body.contains("apiVersion")) body["apiVersion"] = api::kApiVersion;
  if (!body.contains("kind")) body["kind"] = kind.kind;
  if (body["apiVersion"] != api::kApiVersion) {
    return Status::BadRequest("the API version in the data (" + body["apiVersion"].dump() +
                              ") does not match the expected API version (" +
                              std::string(api::kApiVersion) + ")");
  }
  if (body["kind"] != kind.kind) {
    return Status::BadRequest("the kind in the data (" + body["kind"].dump() +
                              ") does not match the expected kind (" + kind.kind + ")");
  }
  if (!body.contains("metadata") || !body["metadata"].is_object()) {
    body["metadata"] = Json::object();
  }
  Json& meta = body["metadata"];
  if (kind.namespaced && !path.ns.empty()) {
    std::string ns = meta.value("namespace", "");
    if (ns.empty()) {
      meta["namespace"] = path.ns;
    } else if (ns != path.ns) {
      return Status::BadRequest(
          "the namespace of the provided object does not match the namespace sent on the "
          "request");
    }
  }
  if (check_name && meta.value("name", "") != path.name) {
    if (meta.value("name", "").empty()) {
      meta["name"] = path.name;
    } else {
      return Status::BadRequest("the name of the object (" + meta.value("name", "") +
                                ") does not match the name on the URL (" + path.name + ")");
    }
  }
  return Status::Ok();
}

// fieldManager and force (server-side apply) are accepted and ignored: apply
// is a three-way merge with the berth.dev/last-applied record of the object,
// which has no field managers and so no ownership conflicts (docs/api.md).
Result<registry::WriteOptions> WriteOptionsOf(const Request& req) {
  registry::WriteOptions opts;
  BERTH_ASSIGN_OR_RETURN(opts.dry_run, DryRun(req));
  return opts;
}

}  // namespace

Response ServeCreate(const Context& ctx, const Request& req, const ResourcePath& path) {
  auto body = ParseBody(req);
  if (!body.ok()) return ErrorResponse(body.status(), SubjectOf(path));
  Status st = MatchUrl(*body, path, false);
  if (!st.ok()) return ErrorResponse(st, SubjectOf(path));
  auto opts = WriteOptionsOf(req);
  if (!opts.ok()) return ErrorResponse(opts.status());
  std::string name = (*body)["metadata"].value("name", "");
  auto created = ctx.registry.Create(api::Object(std::move(*body)), *opts);
  if (!created.ok()) return ErrorResponse(created.status(), SubjectOf(path, name));
  return JsonResponse(201, ForCaller(req, *created));
}

Response ServeUpdate(const Context& ctx, const Request& req, const ResourcePath& path) {
  auto body = ParseBody(req);
  if (!body.ok()) return ErrorResponse(body.status(), SubjectOf(path));
  Status st = MatchUrl(*body, path, true);
  if (!st.ok()) return ErrorResponse(st, SubjectOf(path));
  auto opts = WriteOptionsOf(req);
  if (!opts.ok()) return ErrorResponse(opts.status());
  if (IsSensitiveKind(path.kind->kind) && path.subresource.empty()) {
    // A client writing back a Secret it read redacted keeps the stored values.
    auto cur = ctx.registry.Get(path.kind->kind, path.ns, path.name);
    if (!cur.ok()) return ErrorResponse(cur.status(), SubjectOf(path));
    std::vector<FieldCause> causes;
    for (const std::string& key : RestoreRedacted(*body, cur->json())) {
      causes.push_back({"data." + key, "\"<redacted>\" is a placeholder, not a value"});
    }
    if (!causes.empty()) {
      return ErrorResponse(
          Status::Invalid("Secret \"" + path.name + "\" carries redacted placeholders", causes),
          SubjectOf(path));
    }
  }
  api::Object obj(std::move(*body));
  auto res = path.subresource == "status" ? ctx.registry.UpdateStatus(std::move(obj), *opts)
                                          : ctx.registry.Update(std::move(obj), *opts);
  if (!res.ok()) return ErrorResponse(res.status(), SubjectOf(path));
  return JsonResponse(200, ForCaller(req, *res));
}

Response ServePatch(const Context& ctx, const Request& req, const ResourcePath& path) {
  std::string ct = ToLower(Trim(Split(req.Header("content-type"), ';').front()));
  registry::PatchType type;
  if (ct == "application/merge-patch+json") {
    type = registry::PatchType::kMerge;
  } else if (ct == "application/json-patch+json") {
    type = registry::PatchType::kJson;
  } else if (ct == "application/apply-patch+yaml" || ct == "application/apply-patch+json") {
    type = registry::PatchType::kApply;
  } else if (ct == "application/strategic-merge-patch+json") {
    return ErrorResponse(415, "UnsupportedMediaType",
                         "strategic merge patch is not supported for berth resources (as for "
                         "CustomResourceDefinitions): use application/merge-patch+json, "
                         "application/json-patch+json or application/apply-patch+yaml");
  } else {
    return ErrorResponse(415, "UnsupportedMediaType",
                         "the body of the request was in an unknown format - accepted media "
                         "types include: application/json-patch+json, "
                         "application/merge-patch+json, application/apply-patch+yaml");
  }
  if (Trim(req.body).empty()) {
    return ErrorResponse(Status::BadRequest("the patch body is empty"), SubjectOf(path));
  }
  auto opts = WriteOptionsOf(req);
  if (!opts.ok()) return ErrorResponse(opts.status());
  bool created = false;
  auto res = ctx.registry.Patch(path.kind->kind, path.ns, path.name, type, req.body,
                                path.subresource == "status", *opts, &created);
  if (!res.ok()) return ErrorResponse(res.status(), SubjectOf(path));
  // An apply that created the object answers 201 Created, as Kubernetes does.
  return JsonResponse(created ? 201 : 200, ForCaller(req, *res));
}

Response ServeDelete(const Context& ctx, const Request& req, const ResourcePath& path) {
  registry::DeleteOptions opts;
  if (!Trim(req.body).empty()) {
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorResponse(body.status(), SubjectOf(path));
    const Json& b = *body;
    if (b.contains("propagationPolicy") && b["propagationPolicy"].is_string()) {
      opts.propagation_policy = b["propagationPolicy"].get<std::string>();
    } else if (b.value("orphanDependents", false)) {
      opts.propagation_policy = "Orphan";
    }
    if (auto pre = b.find("preconditions"); pre != b.end() && pre->is_object()) {
      opts.precondition_uid = pre->value("uid", "");
      opts.precondition_resource_version = pre->value("resourceVersion", "");
    }
    if (auto dr = b.find("dryRun"); dr != b.end() && dr->is_array()) {
      for (const Json& v : *dr) {
        if (v != "All") return ErrorResponse(Status::BadRequest("dryRun must be [\"All\"]"));
        opts.dry_run = true;
      }
    }
  }
  if (req.HasQuery("propagationPolicy")) opts.propagation_policy = req.Query("propagationPolicy");
  if (req.QueryFlag("orphanDependents")) opts.propagation_policy = "Orphan";
  auto dry = DryRun(req);
  if (!dry.ok()) return ErrorResponse(dry.status());
  opts.dry_run = opts.dry_run || *dry;
  auto res = ctx.registry.Delete(path.kind->kind, path.ns, path.name, opts);
  if (!res.ok()) return ErrorResponse(res.status(), SubjectOf(path));
  return JsonResponse(200, ForCaller(req, *res));
}

Response ServeDeleteCollection(const Context& ctx, const Request& req, const ResourcePath& path) {
  registry::ListOptions lopts;
  lopts.label_selector = req.Query("labelSelector");
  lopts.field_selector = req.Query("fieldSelector");
  auto list = ctx.registry.List(path.kind->kind, path.ns, lopts);
  if (!list.ok()) return ErrorResponse(list.status(), SubjectOf(path));
  registry::DeleteOptions opts;
  if (req.HasQuery("propagationPolicy")) opts.propagation_policy = req.Query("propagationPolicy");
  auto dry = DryRun(req);
  if (!dry.ok()) return ErrorResponse(dry.status());
  opts.dry_run = *dry;
  Json items = Json::array();
  for (const api::Object& o : list->items) {
    auto res = ctx.registry.Delete(path.kind->kind, o.ns(), o.name(), opts);
    if (!res.ok()) {
      if (res.status().code() == Code::kNotFound) continue;  // gone meanwhile
      return ErrorResponse(res.status(), SubjectOf(path, o.name()));
    }
    items.push_back(ForCaller(req, *res));
  }
  return JsonResponse(200, Json{{"apiVersion", api::kApiVersion},
                                {"kind", path.kind->list_kind},
                                {"metadata", {{"resourceVersion", list->resource_version}}},
                                {"items", std::move(items)}});
}

}  // namespace berth::apiserver
