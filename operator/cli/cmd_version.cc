// berth version [--client] [-o json|yaml]: client version, and the server's
// from /version when it answers.
#include <memory>

#include "operator/api/codec.h"
#include "operator/cli/commands.h"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0"
#endif

namespace berth::cli {
namespace {

struct VersionFlags {
  bool client_only = false;
  std::string output;
};

Status RunVersion(Context& ctx, const VersionFlags& f) {
  if (!f.output.empty() && f.output != "json" && f.output != "yaml") {
    return Status::BadRequest("version supports -o json and -o yaml");
  }
  api::Json doc = {{"clientVersion", {{"gitVersion", std::string("v") + BERTH_VERSION}}}};
  Status server_error;
  if (!f.client_only) {
    auto client = ctx.client();
    if (!client.ok()) {
      server_error = client.status();
    } else {
      HttpRequest r;
      r.path = "/version";
      auto resp = (*client)->Raw(r);
      if (!resp.ok()) {
        server_error = resp.status();
      } else if (auto j = api::ParseJson(resp->body); j.ok() && j->is_object()) {
        doc["serverVersion"] = *j;
      } else {
        server_error = Status::Internal("the server's /version is not JSON");
      }
    }
  }
  if (f.output == "json") {
    ctx.out() << doc.dump(2) << "\n";
  } else if (f.output == "yaml") {
    ctx.out() << api::ToYaml(doc);
  } else {
    ctx.out() << "Client Version: " << doc["clientVersion"]["gitVersion"].get<std::string>()
              << "\n";
    if (doc.contains("serverVersion")) {
      const api::Json& s = doc["serverVersion"];
      std::string v = s.value("gitVersion", s.value("version", s.dump()));
      ctx.out() << "Server Version: " << v << "\n";
    }
  }
  return server_error;
}

}  // namespace

void RegisterVersion(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("version", "Print the client and server versions");
  auto f = std::make_shared<VersionFlags>();
  sub->add_flag("--client", f->client_only, "the client version only (no server needed)");
  sub->add_option("-o,--output", f->output, "json or yaml");
  OnRun(sub, ctx, [&ctx, f] { return RunVersion(ctx, *f); });
}

}  // namespace berth::cli
