// berth logs stack/NAME SERVICE [-f] [--tail N]
// Streams a container's log through the API server to stdout.
#include <memory>
#include <vector>

#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

struct LogsFlags {
  std::vector<std::string> args;
  bool follow = false;
  long long tail = -1;
};

Status RunLogs(Context& ctx, const LogsFlags& f) {
  // KIND/NAME [SERVICE] or KIND NAME [SERVICE].
  std::vector<std::string> ref;
  std::string service;
  if (!f.args.empty() && f.args[0].find('/') != std::string::npos) {
    ref = {f.args[0]};
    if (f.args.size() > 2) return Status::BadRequest("expected KIND/NAME [SERVICE]");
    if (f.args.size() == 2) service = f.args[1];
  } else {
    if (f.args.size() < 2 || f.args.size() > 3) {
      return Status::BadRequest("expected KIND/NAME [SERVICE], e.g. berth logs stack/web api");
    }
    ref = {f.args[0], f.args[1]};
    if (f.args.size() == 3) service = f.args[2];
  }
  BERTH_ASSIGN_OR_RETURN(auto target, ParseOneTarget(ctx.catalog(), ref));
  if (target.first->kind == "Stack" && service.empty()) {
    return Status::BadRequest("a Stack has several services: name one, e.g. berth logs stack/" +
                              target.second + " SERVICE");
  }
  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  HttpRequest r;
  r.path = ResourcePath(*target.first, ns, target.second, "log");
  if (!service.empty()) r.query.emplace_back("service", service);
  if (f.follow) r.query.emplace_back("follow", "true");
  if (f.tail >= 0) r.query.emplace_back("tailLines", std::to_string(f.tail));
  // The server reports a failure after the stream started as a last line
  // "berth: <Status>" after an empty line; hold such a pair back until it is
  // known to be the end, then report it as the error it is.
  std::vector<std::string> held;
  auto flush = [&] {
    for (const auto& l : held) ctx.out() << l << "\n";
    held.clear();
  };
  Status st = client->RawLines(r, [&](std::string_view line) {
    if (line.empty() && held.empty()) {
      held.emplace_back(line);
      return true;
    }
    if (held.size() == 1 && line.rfind("berth: ", 0) == 0) {
      held.emplace_back(line);
      return true;
    }
    flush();
    if (line.empty()) {
      held.emplace_back(line);
      return true;
    }
    ctx.out() << line << "\n";
    ctx.out().flush();
    return ctx.out().good();
  });
  BERTH_RETURN_IF_ERROR(st);
  if (held.size() == 2) return Status::Unavailable(held[1].substr(7));
  flush();
  return Status::Ok();
}

}  // namespace

void RegisterLogs(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("logs", "Print the log of a Stack service's container");
  auto f = std::make_shared<LogsFlags>();
  sub->add_option("args", f->args, "stack/NAME SERVICE")->required();
  sub->add_flag("-f,--follow", f->follow, "keep printing new lines");
  sub->add_option("--tail", f->tail, "only the last N lines (-1: all)");
  OnRun(sub, ctx, [&ctx, f] { return RunLogs(ctx, *f); });
}

}  // namespace berth::cli
