// Token management (admins only; the router checks the role):
//   GET    /auth/v1/tokens          {"kind":"TokenList","items":[{name, role, created}]}
//   POST   /auth/v1/tokens          {"name":"ci","role":"editor"} -> 201 with "token"
//                                   (the only time the plaintext is shown)
//   DELETE /auth/v1/tokens/{name}   -> 200 Status Success
#include "operator/apiserver/handlers.h"

namespace berth::apiserver {
namespace {

using api::Json;

Json InfoJson(const TokenInfo& t) {
  return {{"name", t.name}, {"role", RoleName(t.role)}, {"created", t.created}};
}

ErrorSubject TokenSubject(const std::string& name) {
  return {name, "tokens", "auth"};
}

}  // namespace

Response ServeTokens(const Context& ctx, const Request& req, RouteInfo& info) {
  info.resource = "tokens";
  const auto& s = req.segments;  // auth v1 tokens [name]
  if (s.size() == 3 && req.method == "GET") {
    info.verb = "list";
    auto list = ctx.tokens.List();
    if (!list.ok()) return ErrorResponse(list.status());
    Json items = Json::array();
    for (const TokenInfo& t : *list) items.push_back(InfoJson(t));
    return JsonResponse(200, Json{{"kind", "TokenList"},
                                  {"apiVersion", "auth.berth.dev/v1"},
                                  {"items", std::move(items)}});
  }
  if (s.size() == 3 && req.method == "POST") {
    info.verb = "create";
    auto body = ParseBody(req);
    if (!body.ok()) return ErrorResponse(body.status());
    std::string name = body->value("name", "");
    auto role = ParseRole(body->value("role", ""));
    if (!role.ok()) {
      return ErrorResponse(
          Status::Invalid(role.status().message(), {{"role", role.status().message()}}),
          TokenSubject(name));
    }
    auto token = ctx.tokens.Create(name, *role);
    if (!token.ok()) return ErrorResponse(token.status(), TokenSubject(name));
    return JsonResponse(201, Json{{"kind", "Token"},
                                  {"apiVersion", "auth.berth.dev/v1"},
                                  {"name", name},
                                  {"role", RoleName(*role)},
                                  {"token", *token}});
  }
  if (s.size() == 4 && req.method == "DELETE") {
    info.verb = "delete";
    if (s[3] == req.user.name) {
      return ErrorResponse(Status::BadRequest("a token cannot delete itself"), TokenSubject(s[3]));
    }
    Status st = ctx.tokens.Delete(s[3]);
    if (!st.ok()) return ErrorResponse(st, TokenSubject(s[3]));
    return JsonResponse(200, SuccessJson(TokenSubject(s[3])));
  }
  if (s.size() == 3 || s.size() == 4) {
    return ErrorResponse(405, "MethodNotAllowed", "method not allowed on " + req.path);
  }
  return ErrorResponse(Status::NotFound("the server could not find the requested resource"));
}

}  // namespace berth::apiserver
