// The commands of the berth CLI. Each lives in its own cmd_<name>.cc and adds
// itself to the app with Register<Name>(app, ctx); app.cc calls them in the
// order `berth --help` lists them. To add a command: write cmd_x.cc with a
// RegisterX, declare it here, and call it from RegisterAll in app.cc.
//
// A command body returns a Status: OK for success; an error is printed as
// "error: <message>" by app.cc, except an error whose message is empty,
// which means the command already printed its errors (see Reported()).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "operator/cli/context.h"

namespace berth::cli {

void RegisterServe(CLI::App& app, Context& ctx);
void RegisterApply(CLI::App& app, Context& ctx);
void RegisterCreate(CLI::App& app, Context& ctx);
void RegisterReplace(CLI::App& app, Context& ctx);
void RegisterGet(CLI::App& app, Context& ctx);
void RegisterDescribe(CLI::App& app, Context& ctx);
void RegisterDelete(CLI::App& app, Context& ctx);
void RegisterDiff(CLI::App& app, Context& ctx);
void RegisterWait(CLI::App& app, Context& ctx);
void RegisterExplain(CLI::App& app, Context& ctx);
void RegisterEvents(CLI::App& app, Context& ctx);
void RegisterLogs(CLI::App& app, Context& ctx);
void RegisterApiResources(CLI::App& app, Context& ctx);
void RegisterVersion(CLI::App& app, Context& ctx);
void RegisterConfig(CLI::App& app, Context& ctx);
void RegisterToken(CLI::App& app, Context& ctx);
void RegisterInstance(CLI::App& app, Context& ctx);

// Binds a command body to `sub`: its Status becomes the command's result.
inline void OnRun(CLI::App* sub, Context& ctx, std::function<Status()> body) {
  sub->callback([&ctx, body = std::move(body)] { ctx.result = body(); });
}

// An error the command has already printed, line by line.
inline Status Reported(Code code = Code::kInvalid) {
  return Status(code, "");
}

// Prints one "error: ..." line to stderr.
void PrintError(Context& ctx, const std::string& line);

// Parses the values of `berth serve --instance-quota` (repeatable): "N", the
// limit of every namespace (the last one wins), or "NAMESPACE=N", the limit
// of that namespace. N is a whole number >= 0 (0: no limit). Sets
// opts->instance_quota / instance_quotas; Invalid naming the bad value.
Status ParseInstanceQuotas(const std::vector<std::string>& values, serve::Options* opts);

// Parses "30s", "5m", "1h30m", "250ms" or a number of seconds.
Result<std::chrono::milliseconds> ParseDuration(const std::string& text);
// "60s", "2m", "1h30m": the inverse, for messages.
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace berth::cli
