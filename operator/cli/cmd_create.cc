// berth create -f FILE|DIR|- [-R] [--dry-run=none|client|server]
//
// POSTs every object; one that already exists is an error (use apply to
// update). Like apply, every object is validated before any is created.
#include <memory>

#include "operator/cli/apply_plan.h"
#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

struct CreateFlags {
  std::vector<std::string> files;
  bool recursive = false;
  std::string dry_run = "none";
  std::string field_manager;  // accepted and ignored: berth has no field managers
};

Status RunCreate(Context& ctx, const CreateFlags& f) {
  Manifests m = LoadManifests(f.files, f.recursive, ctx.fs(), ctx.in());
  std::vector<std::string> errors = m.errors;
  if (m.objects.empty() && errors.empty()) return Status::BadRequest("no objects passed to create");
  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  NamespaceChoice choice{ns, !ctx.flags.connection.ns.empty()};
  std::vector<PlanItem> items =
      PrepareItems(ctx.catalog(), m.objects, choice, /*validate=*/true, &errors);
  WriteSettings ws{WriteMode::kCreate};
  if (f.dry_run != "client") {
    BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
    BERTH_RETURN_IF_ERROR(ServerDryRun(*client, items, ws, &errors));
  }
  if (!errors.empty()) {
    for (const auto& e : errors) PrintError(ctx, e);
    return Status::Invalid(std::to_string(errors.size()) +
                           " error(s) in the manifests; nothing was created");
  }
  if (f.dry_run != "none") {
    const char* suffix = f.dry_run == "server" ? " (server dry run)" : " (dry run)";
    for (const auto& it : items) {
      ctx.out() << QualifiedName(*it.kind, it.object.name()) << " created" << suffix << "\n";
    }
    return Status::Ok();
  }
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  int failures = 0;
  for (const auto& it : items) {
    auto created = WriteItem(*client, it, ws, /*dry_run=*/false);
    if (!created.ok()) {
      if (IsConnectionError(created.status())) return created.status();
      for (const auto& e : ErrorLines(*it.source, created.status())) PrintError(ctx, e);
      ++failures;
      continue;
    }
    ctx.out() << QualifiedName(*it.kind, it.object.name()) << " created\n";
  }
  if (failures > 0) return Reported(Code::kAlreadyExists);
  return Status::Ok();
}

}  // namespace

void RegisterCreate(CLI::App& app, Context& ctx) {
  auto* sub =
      app.add_subcommand("create", "Create objects from manifests (existing ones are errors)");
  auto f = std::make_shared<CreateFlags>();
  sub->add_option("-f,--filename", f->files, "manifest file, directory, or - for stdin")
      ->allow_extra_args(false)
      ->required();
  sub->add_flag("-R,--recursive", f->recursive, "read directories recursively");
  sub->add_option("--dry-run", f->dry_run, "none, client or server")
      ->check(CLI::IsMember({"none", "client", "server"}))
      ->capture_default_str();
  sub->add_option("--field-manager", f->field_manager,
                  "accepted for kubectl compatibility and ignored: berth has no field managers");
  OnRun(sub, ctx, [&ctx, f] { return RunCreate(ctx, *f); });
}

}  // namespace berth::cli
