// berth diff -f FILE|DIR|- [-R]: what `apply` would change, as a unified diff
// of the live object against the server's dry-run apply result (like
// `kubectl diff`), plus the sections of registered DiffHooks.
// Exit code: 0 no differences, 1 differences, 2 error.
#include <memory>

#include "operator/api/codec.h"
#include "operator/cli/apply_plan.h"
#include "operator/cli/commands.h"
#include "operator/cli/diff_hooks.h"
#include "operator/cli/line_diff.h"

namespace berth::cli {
namespace {

struct DiffFlags {
  std::vector<std::string> files;
  bool recursive = false;
  std::string field_manager;  // accepted and ignored: berth has no field managers
};

std::string FileName(const PlanItem& it) {
  std::string n =
      std::string(api::kGroup) + "." + std::string(api::kVersion) + "." + it.kind->kind + ".";
  if (!it.ns.empty()) n += it.ns + ".";
  return n + it.object.name();
}

Status RunDiff(Context& ctx, const DiffFlags& f) {
  ctx.error_exit_code = 2;
  Manifests m = LoadManifests(f.files, f.recursive, ctx.fs(), ctx.in());
  std::vector<std::string> errors = m.errors;
  if (m.objects.empty() && errors.empty()) return Status::BadRequest("no objects passed to diff");
  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  NamespaceChoice choice{ns, !ctx.flags.connection.ns.empty()};
  std::vector<PlanItem> items =
      PrepareItems(ctx.catalog(), m.objects, choice, /*validate=*/true, &errors);
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  BERTH_RETURN_IF_ERROR(FetchLive(*client, items, &errors));
  WriteSettings ws{WriteMode::kApply};
  BERTH_RETURN_IF_ERROR(ServerDryRun(*client, items, ws, &errors));
  if (!errors.empty()) {
    for (const auto& e : errors) PrintError(ctx, e);
    return Status::Invalid(std::to_string(errors.size()) + " error(s) in the manifests");
  }
  bool different = false;
  for (const PlanItem& it : items) {
    std::string before = it.live ? api::ToYaml(Comparable(it.live->json())) : "";
    std::string after = it.merged ? api::ToYaml(Comparable(it.merged->json())) : "";
    std::string name = FileName(it);
    std::string d = UnifiedDiff(before, after, "live/" + name, "merged/" + name);
    if (!d.empty()) {
      ctx.out() << "diff -u -N live/" << name << " merged/" << name << "\n" << d;
      different = true;
    }
    for (const DiffHook& hook : DiffHooks()) {
      BERTH_ASSIGN_OR_RETURN(std::vector<DiffSection> sections, hook(*client, it));
      for (const DiffSection& s : sections) {
        std::string sd = UnifiedDiff(s.before, s.after, "live/" + s.label, "merged/" + s.label);
        if (sd.empty()) continue;
        ctx.out() << "diff -u -N live/" << s.label << " merged/" << s.label << "\n" << sd;
        different = true;
      }
    }
  }
  if (different) ctx.success_exit_code = 1;
  return Status::Ok();
}

}  // namespace

void RegisterDiff(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand(
      "diff", "Show what apply would change (exit 0: none, 1: differences, 2: error)");
  auto f = std::make_shared<DiffFlags>();
  sub->add_option("-f,--filename", f->files, "manifest file, directory, or - for stdin")
      ->allow_extra_args(false)
      ->required();
  sub->add_flag("-R,--recursive", f->recursive, "read directories recursively");
  sub->add_option("--field-manager", f->field_manager,
                  "accepted for kubectl compatibility and ignored: berth has no field managers");
  OnRun(sub, ctx, [&ctx, f] { return RunDiff(ctx, *f); });
}

}  // namespace berth::cli
