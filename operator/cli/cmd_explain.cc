// berth explain KIND[.field...] [--recursive]: documentation from the CRDs.
#include <memory>

#include "operator/cli/commands.h"
#include "operator/cli/explain.h"

namespace berth::cli {

void RegisterExplain(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("explain", "Document a kind or field (from the built-in CRDs)");
  auto path = std::make_shared<std::string>();
  auto recursive = std::make_shared<bool>(false);
  sub->add_option("path", *path, "KIND[.field...], e.g. stack.spec.services.dependsOn")->required();
  sub->add_flag("--recursive", *recursive, "list every field below, without descriptions");
  OnRun(sub, ctx, [&ctx, path, recursive]() -> Status {
    BERTH_ASSIGN_OR_RETURN(std::string text, Explain(ctx.catalog(), *path, *recursive));
    ctx.out() << text;
    return Status::Ok();
  });
}

}  // namespace berth::cli
