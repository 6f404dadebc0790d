// Pure pieces of the API server: JSONPath, tables, Status mapping,
// redaction, path parsing and role rules.
#include <gtest/gtest.h>

#include "operator/apiserver/handlers.h"
#include "operator/apiserver/listener.h"
#include "operator/apiserver/redact.h"
#include "operator/apiserver/status_map.h"
#include "operator/apiserver/table.h"
#include "operator/common/time_format.h"

namespace berth::apiserver {
namespace {

using api::Json;

Json Obj() {
  return Json::parse(R"({
    "metadata": {"name": "web", "creationTimestamp": "2026-01-01T00:00:00Z",
                 "labels": {"app.kubernetes.io/name": "x"}},
    "spec": {"items": [{"b": 1}, {"b": 2}], "n": 3, "flag": true},
    "status": {"conditions": [{"type": "Progressing", "status": "False"},
                              {"type": "Ready", "status": "True"}]}})");
}

TEST(JsonPath, Subset) {
  Json o = Obj();
  EXPECT_EQ(EvalJsonPath(o, ".metadata.name"), Json("web"));
  EXPECT_EQ(EvalJsonPath(o, "{.metadata.name}"), Json("web"));
  EXPECT_EQ(EvalJsonPath(o, ".spec.items[1].b"), Json(2));
  EXPECT_EQ(EvalJsonPath(o, ".spec.items[-1].b"), Json(2));
  EXPECT_EQ(EvalJsonPath(o, ".spec.items[*].b"), Json(1));
  EXPECT_EQ(EvalJsonPath(o, R"(.status.conditions[?(@.type=="Ready")].status)"), Json("True"));
  EXPECT_EQ(EvalJsonPath(o, R"(.status.conditions[?(@.type!="Ready")].status)"), Json("False"));
  EXPECT_EQ(EvalJsonPath(o, ".status.conditions[?(@.type=='Missing')].status"), std::nullopt);
  EXPECT_EQ(EvalJsonPath(o, R"(.metadata.labels.app\.kubernetes\.io/name)"), Json("x"));
  EXPECT_EQ(EvalJsonPath(o, ".metadata.labels['app.kubernetes.io/name']"), Json("x"));
  EXPECT_EQ(EvalJsonPath(o, ".spec.items[9].b"), std::nullopt);
  EXPECT_EQ(EvalJsonPath(o, ".nope.deeper"), std::nullopt);
  EXPECT_EQ(EvalJsonPath(o, "garbage"), std::nullopt);
  EXPECT_EQ(EvalJsonPath(o, ".spec.items[x]"), std::nullopt);
}

TEST(Table, RowsAndColumns) {
  Json crd = Json::parse(R"({"spec": {"versions": [{"name": "v1alpha1",
    "additionalPrinterColumns": [
      {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
      {"name": "N", "type": "integer", "jsonPath": ".spec.n"},
      {"name": "Flag", "type": "boolean", "jsonPath": ".spec.flag"},
      {"name": "Missing", "type": "string", "jsonPath": ".spec.none"},
      {"name": "Items", "type": "string", "jsonPath": ".spec.items", "priority": 1},
      {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]}]}})");
  auto cols = PrinterColumns(&crd);
  ASSERT_EQ(cols.size(), 7u);
  EXPECT_EQ(cols[0].name, "Name");
  auto now = *ParseRfc3339("2026-01-01T03:00:00Z");
  Json row = TableRow(cols, Obj(), IncludeObject::kMetadata, now);
  Json cells = row["cells"];
  EXPECT_EQ(cells[0], "web");
  EXPECT_EQ(cells[1], "True");
  EXPECT_EQ(cells[2], 3);
  EXPECT_EQ(cells[3], true);
  EXPECT_TRUE(cells[4].is_null());
  EXPECT_EQ(cells[5], R"([{"b":1},{"b":2}])");
  EXPECT_EQ(cells[6], "3h");
  EXPECT_EQ(row["object"]["kind"], "PartialObjectMetadata");
  EXPECT_FALSE(row["object"].contains("spec"));
  EXPECT_EQ(ColumnDefinitions(cols)[5]["priority"], 1);

  // Without declared columns: NAME and AGE.
  auto plain = PrinterColumns(nullptr);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[1].name, "Age");
  Json t = BuildTable(plain, {Obj()}, IncludeObject::kNone, now, "7", "c");
  EXPECT_EQ(t["metadata"]["resourceVersion"], "7");
  EXPECT_EQ(t["metadata"]["continue"], "c");
  EXPECT_FALSE(t["rows"][0].contains("object"));
}

TEST(Table, AcceptHeader) {
  Request r;
  r.headers["accept"] = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  EXPECT_TRUE(WantsTable(r));
  r.headers["accept"] = "application/json";
  EXPECT_FALSE(WantsTable(r));
  r.headers["accept"] = "application/json; as=Table; v=v1; g=meta.k8s.io";
  EXPECT_TRUE(WantsTable(r));
  EXPECT_TRUE(ParseIncludeObject("").ok());
  EXPECT_FALSE(ParseIncludeObject("Everything").ok());
}

TEST(StatusMap, CodesAndReasons) {
  struct Case {
    Status st;
    int code;
    const char* reason;
  } cases[] = {
      {Status::Invalid("x", {{"spec.a", "bad"}}), 422, "Invalid"},
      {Status::BadRequest("x"), 400, "BadRequest"},
      {Status::Unauthorized("x"), 401, "Unauthorized"},
      {Status::Forbidden("x"), 403, "Forbidden"},
      {Status::NotFound("x"), 404, "NotFound"},
      {Status::AlreadyExists("x"), 409, "AlreadyExists"},
      {Status::Conflict("x"), 409, "Conflict"},
      {Status::Gone("x"), 410, "Expired"},
      {Status::Exhausted("too many requests"), 429, "TooManyRequests"},
      {Status::Exhausted("no space left on device"), 507, "InsufficientStorage"},
      {Status::Unavailable("x"), 503, "ServiceUnavailable"},
      {Status::Timeout("x"), 504, "Timeout"},
      {Status::Internal("x"), 500, "InternalError"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(HttpCode(c.st), c.code) << c.st.ToString();
    Json j = StatusJson(c.st, {"web", "stacks", "berth.dev"});
    EXPECT_EQ(j["kind"], "Status");
    EXPECT_EQ(j["apiVersion"], "v1");
    EXPECT_EQ(j["status"], "Failure");
    EXPECT_EQ(j["code"], c.code);
    EXPECT_EQ(j["reason"], c.reason);
    EXPECT_EQ(j["message"], c.st.message());
    EXPECT_EQ(j["details"]["name"], "web");
    EXPECT_EQ(j["details"]["kind"], "stacks");
  }
  Json inv = StatusJson(Status::Invalid("x", {{"spec.a", "bad", "FieldValueRequired"}}));
  EXPECT_EQ(inv["details"]["causes"][0]["field"], "spec.a");
  EXPECT_EQ(inv["details"]["causes"][0]["reason"], "FieldValueRequired");
  EXPECT_EQ(StatusJson(415, "UnsupportedMediaType", "m")["code"], 415);
  EXPECT_EQ(SuccessJson({"n", "tokens", ""})["status"], "Success");
}

TEST(Redact, SecretValuesAndLastApplied) {
  Json s = Json::parse(R"({"kind":"Secret","data":{"a":"eA==","b":"eQ=="},
    "stringData":{"c":"z"},
    "metadata":{"name":"s","annotations":{
      "kubectl.kubernetes.io/last-applied-configuration":"{...}",
      "berth.dev/last-applied":"{...}"}}})");
  RedactSecret(s);
  EXPECT_EQ(s["data"]["a"], "<redacted>");
  EXPECT_EQ(s["data"]["b"], "<redacted>");
  EXPECT_FALSE(s.contains("stringData"));
  EXPECT_FALSE(s["metadata"].contains("annotations"));
  EXPECT_TRUE(IsSensitiveKind("Secret"));
  EXPECT_FALSE(IsSensitiveKind("Stack"));

  Json incoming = Json::parse(R"({"data":{"a":"<redacted>","b":"bmV3","c":"<redacted>"}})");
  Json stored = Json::parse(R"({"data":{"a":"b2xk"}})");
  auto missing = RestoreRedacted(incoming, stored);
  EXPECT_EQ(incoming["data"]["a"], "b2xk");
  EXPECT_EQ(incoming["data"]["b"], "bmV3");
  EXPECT_EQ(missing, std::vector<std::string>{"c"});
}

TEST(Paths, ResourcePathsAndVerbs) {
  const auto& cat = api::Catalog::Builtin();
  auto p = ParseResourcePath(cat, {"namespaces", "default", "stacks", "web", "status"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind->kind, "Stack");
  EXPECT_EQ(p->ns, "default");
  EXPECT_EQ(p->name, "web");
  EXPECT_EQ(p->subresource, "status");
  EXPECT_TRUE(ParseResourcePath(cat, {"stacks"}).ok());
  EXPECT_FALSE(ParseResourcePath(cat, {"stacks", "web"}).ok());  // needs a namespace
  EXPECT_FALSE(ParseResourcePath(cat, {"stack"}).ok());          // plural only
  EXPECT_FALSE(ParseResourcePath(cat, {"st"}).ok());
  EXPECT_TRUE(ParseResourcePath(cat, {"gpunodes", "gpu-b"}).ok());
  EXPECT_FALSE(ParseResourcePath(cat, {"namespaces", "x", "gpunodes"}).ok());
  EXPECT_FALSE(ParseResourcePath(cat, {"namespaces", "x", "stacks", "a", "bogus"}).ok());
  EXPECT_FALSE(ParseResourcePath(cat, {"namespaces", "x", "stacks", "a", "status", "x"}).ok());
  auto w = ParseResourcePath(cat, {"watch", "namespaces", "x", "stacks"});
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->legacy_watch);

  Request req;
  ResourcePath coll = *ParseResourcePath(cat, {"namespaces", "x", "stacks"});
  ResourcePath one = *ParseResourcePath(cat, {"namespaces", "x", "stacks", "a"});
  auto verb = [&](const char* m, const ResourcePath& path, bool watch = false) {
    req.method = m;
    req.query.clear();
    if (watch) req.query["watch"] = "true";
    return VerbOf(req, path);
  };
  EXPECT_EQ(verb("GET", coll), "list");
  EXPECT_EQ(verb("GET", one), "get");
  EXPECT_EQ(verb("GET", coll, true), "watch");
  EXPECT_EQ(verb("POST", coll), "create");
  EXPECT_EQ(verb("POST", one), "");
  EXPECT_EQ(verb("PUT", one), "update");
  EXPECT_EQ(verb("PATCH", one), "patch");
  EXPECT_EQ(verb("DELETE", one), "delete");
  EXPECT_EQ(verb("DELETE", coll), "deletecollection");

  EXPECT_TRUE(RoleAllows(Role::kViewer, "watch"));
  EXPECT_FALSE(RoleAllows(Role::kViewer, "patch"));
  EXPECT_TRUE(RoleAllows(Role::kEditor, "deletecollection"));
  EXPECT_FALSE(RoleAllows(Role::kProvisioner, "get"));
}

TEST(Listen, Addresses) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseListenAddress("127.0.0.1:7443", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 7443);
  ASSERT_TRUE(ParseListenAddress(":80", &host, &port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  ASSERT_TRUE(ParseListenAddress("[::1]:0", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(ParseListenAddress("localhost", &host, &port).ok());
  EXPECT_FALSE(ParseListenAddress("h:99999", &host, &port).ok());
}

TEST(Roles, Names) {
  for (Role r : {Role::kAdmin, Role::kEditor, Role::kViewer, Role::kProvisioner}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_FALSE(ParseRole("root").ok());
}

}  // namespace
}  // namespace berth::apiserver
