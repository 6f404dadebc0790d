// berth instance create USER [--slug S] [--template STACK/NAME] | list | delete USER [--purge]
// Per-user Instances through the provisioning API (/provision/v1/), the same
// calls an auth portal makes on registration.
#include <memory>

#include "operator/api/codec.h"
#include "operator/cli/commands.h"
#include "operator/cli/table.h"

namespace berth::cli {
namespace {

constexpr const char* kInstancesPath = "/provision/v1/instances";

std::string Field(const api::Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

Result<api::Json> Call(Context& ctx, const std::string& method, const std::string& path,
                       const api::Json* body = nullptr,
                       std::vector<std::pair<std::string, std::string>> query = {}) {
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  if (body) {
    r.body = body->dump();
    r.content_type = "application/json";
  }
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client->Raw(r));
  auto j = api::ParseJson(resp.body);
  if (!j.ok()) return Status::Internal("the server's answer is not JSON");
  return *j;
}

// Users are free-form IDs ("alice@example.com"): escape them for the path.
std::string PathEscape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '@' || c == '+') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Status Create(Context& ctx, const std::string& user, const std::string& slug,
              const std::string& tmpl, const std::string& output) {
  api::Json body = {{"user", user}};
  if (!slug.empty()) body["slug"] = slug;
  if (!tmpl.empty()) body["template"] = tmpl;
  BERTH_ASSIGN_OR_RETURN(api::Json j, Call(ctx, "POST", kInstancesPath, &body));
  if (output == "json") {
    ctx.out() << j.dump(2) << "\n";
    return Status::Ok();
  }
  ctx.out() << "instance/" << Field(j, "name") << " for user \"" << Field(j, "user")
            << "\": " << Field(j, "url") << " (" << Field(j, "phase") << ")\n";
  return Status::Ok();
}

Status List(Context& ctx, const std::string& output) {
  BERTH_ASSIGN_OR_RETURN(api::Json j, Call(ctx, "GET", kInstancesPath));
  if (output == "json") {
    ctx.out() << j.dump(2) << "\n";
    return Status::Ok();
  }
  const api::Json& items = j.value("items", api::Json::array());
  if (items.empty()) {
    ctx.err() << "No instances found in namespace " << Field(j, "namespace") << ".\n";
    return Status::Ok();
  }
  TableWriter t({"USER", "NAME", "SLUG", "URL", "STATUS", "PROVIDER"});
  for (const auto& it : items) {
    t.AddRow({Field(it, "user"), Field(it, "name"), Field(it, "slug"), Field(it, "url"),
              Field(it, "phase"), Field(it, "provider")});
  }
  ctx.out() << t.Render();
  return Status::Ok();
}

Status Delete(Context& ctx, const std::string& user, bool purge) {
  std::vector<std::pair<std::string, std::string>> query;
  if (purge) query.emplace_back("purge", "true");
  BERTH_ASSIGN_OR_RETURN(
      api::Json j,
      Call(ctx, "DELETE", std::string(kInstancesPath) + "/" + PathEscape(user), nullptr, query));
  ctx.out() << "instance/" << Field(j, "name") << " for user \"" << user << "\" deleted"
            << (purge ? " (data purged)" : " (data kept)") << "\n";
  return Status::Ok();
}

}  // namespace

void RegisterInstance(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("instance", "Provision per-user Instances");
  group->require_subcommand(1);

  auto user = std::make_shared<std::string>();
  auto slug = std::make_shared<std::string>();
  auto tmpl = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto* create = group->add_subcommand(
      "create", "Provision an Instance for a user (prints the existing one if the user has one)");
  create->add_option("user", *user, "the user's ID, e.g. alice or alice@example.com")->required();
  create->add_option("--slug", *slug, "the DNS label of its host name (default: from the user)");
  create->add_option("--template", *tmpl,
                     "STACK/NAME of the template (default: the server's --provision-template)");
  create->add_option("-o,--output", *output, "json: the whole answer")
      ->check(CLI::IsMember({"json"}));
  OnRun(create, ctx,
        [&ctx, user, slug, tmpl, output] { return Create(ctx, *user, *slug, *tmpl, *output); });

  auto list_output = std::make_shared<std::string>();
  auto* list = group->add_subcommand("list", "List provisioned Instances");
  list->add_option("-o,--output", *list_output, "json")->check(CLI::IsMember({"json"}));
  OnRun(list, ctx, [&ctx, list_output] { return List(ctx, *list_output); });

  auto del_user = std::make_shared<std::string>();
  auto purge = std::make_shared<bool>(false);
  auto* del = group->add_subcommand("delete", "Deprovision a user's Instance (data kept)");
  del->add_option("user", *del_user, "the user's ID")->required();
  del->add_flag("--purge", *purge, "also remove the Instance's data directory");
  OnRun(del, ctx, [&ctx, del_user, purge] { return Delete(ctx, *del_user, *purge); });
}

}  // namespace berth::cli
