// berth replace -f FILE|DIR|- [-R]: PUT each object whole. A manifest that
// carries metadata.resourceVersion replaces only that version: if the object
// changed since, the server answers Conflict and nothing is replaced.
#include <memory>

#include "operator/cli/apply_plan.h"
#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

struct ReplaceFlags {
  std::vector<std::string> files;
  bool recursive = false;
};

Status RunReplace(Context& ctx, const ReplaceFlags& f) {
  Manifests m = LoadManifests(f.files, f.recursive, ctx.fs(), ctx.in());
  std::vector<std::string> errors = m.errors;
  if (m.objects.empty() && errors.empty()) {
    return Status::BadRequest("no objects passed to replace");
  }
  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  NamespaceChoice choice{ns, !ctx.flags.connection.ns.empty()};
  std::vector<PlanItem> items =
      PrepareItems(ctx.catalog(), m.objects, choice, /*validate=*/true, &errors);
  if (!errors.empty()) {
    for (const auto& e : errors) PrintError(ctx, e);
    return Status::Invalid(std::to_string(errors.size()) +
                           " error(s) in the manifests; nothing was replaced");
  }
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  int failures = 0;
  for (const auto& it : items) {
    auto r = client->Update(*it.kind, it.ns, it.object, WriteOptions{}, /*status=*/false);
    if (!r.ok()) {
      if (IsConnectionError(r.status())) return r.status();
      for (const auto& e : ErrorLines(*it.source, r.status())) PrintError(ctx, e);
      ++failures;
      continue;
    }
    ctx.out() << QualifiedName(*it.kind, it.object.name()) << " replaced\n";
  }
  if (failures > 0) return Reported(Code::kConflict);
  return Status::Ok();
}

}  // namespace

void RegisterReplace(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand(
      "replace", "Replace objects whole from manifests (conditional on their resourceVersion)");
  auto f = std::make_shared<ReplaceFlags>();
  sub->add_option("-f,--filename", f->files, "manifest file, directory, or - for stdin")
      ->allow_extra_args(false)
      ->required();
  sub->add_flag("-R,--recursive", f->recursive, "read directories recursively");
  OnRun(sub, ctx, [&ctx, f] { return RunReplace(ctx, *f); });
}

}  // namespace berth::cli
