// berth apply -f FILE|DIR|- [-R] [--dry-run=none|client|server] [--prune -l SEL]
//
// Validates every object (locally, then by a server dry run) and writes none
// if any is invalid; then writes each as an apply patch (the server merges it
// three-way with the manifest the previous apply recorded in the object's
// berth.dev/last-applied annotation) and reports created / configured /
// unchanged; --prune deletes what the manifests no longer contain.
#include <map>
#include <memory>
#include <set>

#include "operator/cli/apply_plan.h"
#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

struct ApplyFlags {
  std::vector<std::string> files;
  bool recursive = false;
  std::string dry_run = "none";
  bool prune = false;
  std::string selector;
  std::string field_manager;     // accepted and ignored (see RegisterApply)
  bool force_conflicts = false;  // accepted and ignored
};

std::string Suffix(const std::string& dry_run) {
  if (dry_run == "server") return " (server dry run)";
  if (dry_run == "client") return " (dry run)";
  return "";
}

// Deletes objects of the applied kinds that match the selector but were not
// applied. Only objects in the namespaces the manifests wrote to are touched.
Status Prune(Context& ctx, ApiClient& client, const std::vector<PlanItem>& items,
             const ApplyFlags& f, int* failures) {
  std::set<std::string> applied;                                 // "Kind/ns/name"
  std::map<const api::KindInfo*, std::set<std::string>> scopes;  // kind -> namespaces
  for (const auto& it : items) {
    applied.insert(it.kind->kind + "/" + it.ns + "/" + it.object.name());
    scopes[it.kind].insert(it.ns);
  }
  for (const auto& [kind, namespaces] : scopes) {
    for (const std::string& ns : namespaces) {
      ListOptions lo;
      lo.label_selector = f.selector;
      BERTH_ASSIGN_OR_RETURN(ObjectList list, client.List(*kind, ns, lo));
      for (const api::Object& o : list.items) {
        if (applied.count(kind->kind + "/" + (kind->namespaced ? o.ns() : "") + "/" + o.name())) {
          continue;
        }
        if (o.being_deleted()) continue;
        // Only what apply wrote is pruned; objects created otherwise stay.
        auto ann = o.annotations();
        if (!ann.count(kLastAppliedAnnotation) && !ann.count(kKubectlLastAppliedAnnotation)) {
          continue;
        }
        DeleteOptions d;
        d.dry_run = f.dry_run == "server";
        auto r = client.Delete(*kind, kind->namespaced ? o.ns() : "", o.name(), d);
        if (!r.ok() && r.status().code() != Code::kNotFound) {
          PrintError(ctx,
                     QualifiedName(*kind, o.name()) + ": prune failed: " + r.status().message());
          ++*failures;
          continue;
        }
        ctx.out() << QualifiedName(*kind, o.name()) << " pruned" << Suffix(f.dry_run) << "\n";
      }
    }
  }
  return Status::Ok();
}

Status RunApply(Context& ctx, const ApplyFlags& f) {
  if (f.files.empty()) return Status::BadRequest("-f FILE|DIR|- is required");
  if (f.prune && f.selector.empty()) {
    return Status::BadRequest("--prune needs -l SELECTOR to choose what may be pruned");
  }
  Manifests m = LoadManifests(f.files, f.recursive, ctx.fs(), ctx.in());
  std::vector<std::string> errors = m.errors;
  if (m.objects.empty() && errors.empty()) return Status::BadRequest("no objects passed to apply");

  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  NamespaceChoice choice{ns, !ctx.flags.connection.ns.empty()};
  std::vector<PlanItem> items =
      PrepareItems(ctx.catalog(), m.objects, choice, /*validate=*/true, &errors);

  if (f.dry_run == "client") {
    for (const auto& e : errors) PrintError(ctx, e);
    if (!errors.empty()) {
      return Status::Invalid(std::to_string(errors.size()) + " error(s) in the manifests");
    }
    for (const auto& it : items) {
      ctx.out() << QualifiedName(*it.kind, it.object.name()) << " validated (dry run)\n";
    }
    return Status::Ok();
  }

  WriteSettings ws{WriteMode::kApply};
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  BERTH_RETURN_IF_ERROR(FetchLive(*client, items, &errors));
  BERTH_RETURN_IF_ERROR(ServerDryRun(*client, items, ws, &errors));
  if (!errors.empty()) {
    for (const auto& e : errors) PrintError(ctx, e);
    return Status::Invalid(std::to_string(errors.size()) +
                           " error(s) in the manifests; nothing was applied");
  }

  int failures = 0;
  for (auto& it : items) {
    std::string name = QualifiedName(*it.kind, it.object.name());
    if (f.dry_run == "server") {
      bool same =
          it.live && it.merged && Comparable(it.live->json()) == Comparable(it.merged->json());
      ctx.out() << name
                << (!it.live ? " created"
                    : same   ? " unchanged"
                             : " configured")
                << Suffix(f.dry_run) << "\n";
      continue;
    }
    auto written = WriteItem(*client, it, ws, /*dry_run=*/false);
    if (!written.ok()) {
      if (IsConnectionError(written.status())) return written.status();
      for (const auto& e : ErrorLines(*it.source, written.status())) PrintError(ctx, e);
      ++failures;
      continue;
    }
    const char* verb = !it.live                                                     ? " created"
                       : written->resource_version() == it.live->resource_version() ? " unchanged"
                                                                                    : " configured";
    ctx.out() << name << verb << "\n";
  }
  if (f.prune) BERTH_RETURN_IF_ERROR(Prune(ctx, *client, items, f, &failures));
  if (failures > 0) return Status::Internal(std::to_string(failures) + " object(s) failed");
  return Status::Ok();
}

}  // namespace

void RegisterApply(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand(
      "apply", "Create or update objects from manifests (validated whole before any write)");
  auto f = std::make_shared<ApplyFlags>();
  sub->add_option("-f,--filename", f->files, "manifest file, directory, or - for stdin")
      ->allow_extra_args(false)
      ->required();
  sub->add_flag("-R,--recursive", f->recursive, "read directories recursively");
  sub->add_option("--dry-run", f->dry_run,
                  "none; client (validate locally, offline); server (validate and show the "
                  "outcome, write nothing)")
      ->check(CLI::IsMember({"none", "client", "server"}))
      ->capture_default_str();
  sub->add_flag("--prune", f->prune,
                "delete objects of the applied kinds that match -l but are not in the manifests");
  sub->add_option("-l,--selector", f->selector, "label selector for --prune");
  // kubectl's server-side apply flags, accepted so scripts written for
  // kubectl run unchanged. They change nothing: apply merges three-way with
  // the manifest the previous apply recorded on the object, whoever applied
  // it, so there are no field managers and no conflicts to force.
  sub->add_option("--field-manager", f->field_manager,
                  "accepted for kubectl compatibility and ignored: berth has no field managers");
  sub->add_flag("--force-conflicts", f->force_conflicts,
                "accepted for kubectl compatibility and ignored: berth's apply has no field "
                "ownership conflicts");
  OnRun(sub, ctx, [&ctx, f] { return RunApply(ctx, *f); });
}

}  // namespace berth::cli
