// berth token create NAME --role admin|editor|viewer|provisioner | list | delete NAME
// Manages API tokens through the server's /auth/v1/tokens endpoints.
#include <memory>

#include "operator/api/codec.h"
#include "operator/cli/commands.h"
#include "operator/cli/printers.h"
#include "operator/cli/table.h"

namespace berth::cli {
namespace {

constexpr const char* kTokensPath = "/auth/v1/tokens";

std::string Field(const api::Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

Status Create(Context& ctx, const std::string& name, const std::string& role,
              const std::string& output) {
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  HttpRequest r;
  r.method = "POST";
  r.path = kTokensPath;
  r.body = api::Json{{"name", name}, {"role", role}}.dump();
  r.content_type = "application/json";
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client->Raw(r));
  auto j = api::ParseJson(resp.body);
  if (!j.ok()) return Status::Internal("the server's answer is not JSON");
  if (output == "json") {
    ctx.out() << j->dump(2) << "\n";
    return Status::Ok();
  }
  std::string token = Field(*j, "token");
  if (token.empty()) return Status::Internal("the server did not return the new token");
  // The secret alone on stdout, so `TOKEN=$(berth token create ...)` works.
  ctx.out() << token << "\n";
  ctx.err() << "token \"" << name << "\" (role " << role
            << ") created; it is shown only this once\n";
  return Status::Ok();
}

Status List(Context& ctx, const std::string& output) {
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  HttpRequest r;
  r.path = kTokensPath;
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client->Raw(r));
  auto j = api::ParseJson(resp.body);
  if (!j.ok()) return Status::Internal("the server's answer is not JSON");
  if (output == "json") {
    ctx.out() << j->dump(2) << "\n";
    return Status::Ok();
  }
  const api::Json& items = j->is_array() ? *j : j->value("items", api::Json::array());
  if (items.empty()) {
    ctx.err() << "No tokens found.\n";
    return Status::Ok();
  }
  TableWriter t({"NAME", "ROLE", "AGE"});
  auto now = ctx.clock().Now();
  for (const auto& it : items) {
    std::string created = Field(it, "created");
    if (created.empty()) created = Field(it, "creationTimestamp");
    t.AddRow({Field(it, "name"), Field(it, "role"),
              created.empty() ? "<unknown>" : AgeOf(created, now)});
  }
  ctx.out() << t.Render();
  return Status::Ok();
}

Status Delete(Context& ctx, const std::string& name) {
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  HttpRequest r;
  r.method = "DELETE";
  r.path = std::string(kTokensPath) + "/" + name;
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client->Raw(r));
  ctx.out() << "token \"" << name << "\" deleted\n";
  return Status::Ok();
}

}  // namespace

void RegisterToken(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("token", "Create, list and delete API tokens (admin only)");
  group->require_subcommand(1);

  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto* create = group->add_subcommand("create", "Create a token; prints it once");
  create->add_option("name", *name, "a name for the token, e.g. ci")->required();
  create->add_option("--role", *role, "admin, editor, viewer or provisioner")
      ->required()
      ->check(CLI::IsMember({"admin", "editor", "viewer", "provisioner"}));
  create->add_option("-o,--output", *output, "json: the whole answer");
  OnRun(create, ctx, [&ctx, name, role, output] { return Create(ctx, *name, *role, *output); });

  auto list_output = std::make_shared<std::string>();
  auto* list = group->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("-o,--output", *list_output, "json");
  OnRun(list, ctx, [&ctx, list_output] { return List(ctx, *list_output); });

  auto del_name = std::make_shared<std::string>();
  auto* del = group->add_subcommand("delete", "Revoke a token");
  del->add_option("name", *del_name, "the token's name")->required();
  OnRun(del, ctx, [&ctx, del_name] { return Delete(ctx, *del_name); });
}

}  // namespace berth::cli
