// berth config view|current|set-server|set-token|set-namespace|unset:
// ~/.berth/config (mode 0600), and where each setting currently comes from.
#include <iterator>
#include <memory>

#include "operator/api/codec.h"
#include "operator/cli/commands.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

Status Set(Context& ctx, const std::string& key, const std::string& value) {
  std::string path = ctx.config_path();
  BERTH_ASSIGN_OR_RETURN(ConfigFile file, LoadConfig(ctx.fs(), path));
  file.Set(key, value);
  BERTH_RETURN_IF_ERROR(SaveConfig(ctx.fs(), path, file));
  if (value.empty()) {
    ctx.out() << key << " unset in " << path << "\n";
  } else {
    ctx.out() << key << " set in " << path << "\n";
  }
  return Status::Ok();
}

Status View(Context& ctx, bool raw) {
  BERTH_ASSIGN_OR_RETURN(ConfigFile file, LoadConfig(ctx.fs(), ctx.config_path()));
  if (!raw && !file.Get("token").empty()) file.doc["token"] = "REDACTED";
  if (file.doc.empty()) {
    ctx.err() << ctx.config_path() << " is empty or missing\n";
    return Status::Ok();
  }
  ctx.out() << api::ToYaml(file.doc);
  return Status::Ok();
}

Status Current(Context& ctx) {
  BERTH_ASSIGN_OR_RETURN(Connection c, ctx.connection());
  auto from = [](const std::string& source) {
    if (source == "flag") return std::string("flag");
    if (source == "env") return std::string("environment");
    if (source == "config") return std::string("config file");
    return source;
  };
  ctx.out() << "server:     " << c.server << "  (from " << from(c.server_source) << ")\n";
  ctx.out() << "namespace:  " << c.ns << "  (from " << from(c.ns_source) << ")\n";
  if (c.token.empty()) {
    ctx.out() << "token:      none\n";
  } else {
    ctx.out() << "token:      set  (from "
              << (c.token_source == "admin.token" ? c.admin_token_path : from(c.token_source))
              << ")\n";
  }
  ctx.out() << "config:     " << ctx.config_path() << "\n";
  return Status::Ok();
}

}  // namespace

void RegisterConfig(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("config", "Show or edit ~/.berth/config");
  group->require_subcommand(1);

  auto raw = std::make_shared<bool>(false);
  auto* view = group->add_subcommand("view", "Print the config file (token redacted)");
  view->add_flag("--raw", *raw, "show the token too");
  OnRun(view, ctx, [&ctx, raw] { return View(ctx, *raw); });

  OnRun(group->add_subcommand("current", "Show the server, namespace and token in effect"), ctx,
        [&ctx] { return Current(ctx); });

  auto server = std::make_shared<std::string>();
  auto* ss = group->add_subcommand("set-server", "Set the server URL");
  ss->add_option("url", *server, "e.g. https://berth.example:7443")->required();
  OnRun(ss, ctx, [&ctx, server]() -> Status {
    if (!StartsWith(*server, "http://") && !StartsWith(*server, "https://")) {
      return Status::BadRequest("the server must be a URL starting with http:// or https://");
    }
    return Set(ctx, "server", *server);
  });

  auto token = std::make_shared<std::string>();
  auto* st = group->add_subcommand("set-token", "Set the bearer token (- reads it from stdin)");
  st->add_option("token", *token, "the token, or - to read it from stdin")->required();
  OnRun(st, ctx, [&ctx, token]() -> Status {
    std::string value = *token;
    if (value == "-") {
      value.assign(std::istreambuf_iterator<char>(ctx.in()), std::istreambuf_iterator<char>());
    }
    value = std::string(Trim(value));
    if (value.empty()) return Status::BadRequest("the token is empty");
    return Set(ctx, "token", value);
  });

  auto ns = std::make_shared<std::string>();
  auto* sn = group->add_subcommand("set-namespace", "Set the default namespace");
  sn->add_option("namespace", *ns, "e.g. prod")->required();
  OnRun(sn, ctx, [&ctx, ns] { return Set(ctx, "namespace", *ns); });

  auto key = std::make_shared<std::string>();
  auto* un = group->add_subcommand("unset", "Remove a setting from the config file");
  un->add_option("key", *key,
                 "server, token, namespace, certificate-authority or "
                 "insecure-skip-tls-verify")
      ->required()
      ->check(CLI::IsMember(
          {"server", "token", "namespace", "certificate-authority", "insecure-skip-tls-verify"}));
  OnRun(un, ctx, [&ctx, key] { return Set(ctx, *key, ""); });
}

}  // namespace berth::cli
