// berth instance create|list|delete: per-user Instances through the
// provisioning API (issue 5). The subcommands are registered here so the
// Instance work only has to fill in their bodies.
#include "operator/cli/commands.h"

namespace berth::cli {
namespace {

Status NotYet(const char* what) {
  return Status(Code::kUnavailable,
                std::string("`berth instance ") + what +
                    "` is not implemented yet; use `berth get instances` and `berth apply -f`");
}

}  // namespace

void RegisterInstance(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("instance", "Provision per-user Instances");
  group->require_subcommand(1);
  OnRun(group->add_subcommand("create", "Provision an Instance for a user"), ctx,
        [] { return NotYet("create"); });
  OnRun(group->add_subcommand("list", "List provisioned Instances"), ctx,
        [] { return NotYet("list"); });
  OnRun(group->add_subcommand("delete", "Deprovision a user's Instance"), ctx,
        [] { return NotYet("delete"); });
}

}  // namespace berth::cli
