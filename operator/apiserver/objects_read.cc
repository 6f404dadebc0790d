// GET of one object or a collection, as JSON or as a Table.
#include "operator/apiserver/handlers.h"
#include "operator/apiserver/table.h"
#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

using api::Json;

Response TableResponse(const Context& ctx, const Request& req, const ResourcePath& path,
                       const std::vector<Json>& objects, const std::string& rv,
                       const std::string& cont) {
  auto include = ParseIncludeObject(req.Query("includeObject"));
  if (!include.ok()) return ErrorResponse(include.status());
  auto columns = PrinterColumns(ctx.registry.catalog().Crd(path.kind->kind));
  return JsonResponse(200,
                      BuildTable(columns, objects, *include, ctx.registry.clock().Now(), rv, cont));
}

}  // namespace

Response ServeGet(const Context& ctx, const Request& req, const ResourcePath& path) {
  auto obj = ctx.registry.Get(path.kind->kind, path.ns, path.name);
  if (!obj.ok()) return ErrorResponse(obj.status(), SubjectOf(path));
  Json shown = ForCaller(req, *obj);
  if (WantsTable(req)) {
    return TableResponse(ctx, req, path, {shown}, obj->resource_version(), "");
  }
  return JsonResponse(200, shown);
}

Response ServeList(const Context& ctx, const Request& req, const ResourcePath& path) {
  registry::ListOptions opts;
  opts.label_selector = req.Query("labelSelector");
  opts.field_selector = req.Query("fieldSelector");
  opts.continue_token = req.Query("continue");
  if (req.HasQuery("limit")) {
    long long limit = 0;
    if (!ParseInt64(req.Query("limit"), &limit) || limit < 0) {
      return ErrorResponse(Status::BadRequest("limit must be a non-negative integer"));
    }
    opts.limit = limit;
  }
  auto list = ctx.registry.List(path.kind->kind, path.ns, opts);
  if (!list.ok()) return ErrorResponse(list.status(), SubjectOf(path));
  std::vector<Json> items;
  items.reserve(list->items.size());
  for (const api::Object& o : list->items) items.push_back(ForCaller(req, o));
  if (WantsTable(req)) {
    return TableResponse(ctx, req, path, items, list->resource_version, list->continue_token);
  }
  Json meta = {{"resourceVersion", list->resource_version}};
  if (!list->continue_token.empty()) meta["continue"] = list->continue_token;
  return JsonResponse(200, Json{{"apiVersion", api::kApiVersion},
                                {"kind", path.kind->list_kind},
                                {"metadata", std::move(meta)},
                                {"items", std::move(items)}});
}

}  // namespace berth::apiserver
