// berth delete -f FILE | KIND NAME... | KIND/NAME... | KIND -l SEL | KIND --all
//              [--wait] [--timeout 5m] [--cascade=background|foreground|orphan]
//              [--purge-volumes]
#include <memory>

#include "operator/cli/apply_plan.h"
#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"
#include "operator/cli/waiter.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

struct DeleteFlags {
  std::vector<std::string> args;
  std::vector<std::string> files;
  bool recursive = false;
  std::string selector;
  bool all = false;
  bool wait = false;
  std::string timeout = "5m";
  std::string cascade = "background";
  bool ignore_not_found = false;
  std::string dry_run = "none";
  bool purge_volumes = false;  // Stacks: remove their named volumes too
};

// The annotation a Stack's finalizer reads (controllers/stack/reconciler.h):
// its named volumes go with it, like `docker compose down -v`.
constexpr const char* kPurgeVolumes = "berth.dev/purge-volumes";

struct Victim {
  const api::KindInfo* kind;
  std::string ns;
  std::string name;
};

Result<std::vector<Victim>> Collect(Context& ctx, ApiClient& client, const DeleteFlags& f) {
  std::vector<Victim> out;
  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  if (!f.files.empty()) {
    if (!f.args.empty()) return Status::BadRequest("give either -f or KIND NAME, not both");
    Manifests m = LoadManifests(f.files, f.recursive, ctx.fs(), ctx.in());
    std::vector<std::string> errors = m.errors;
    NamespaceChoice choice{ns, !ctx.flags.connection.ns.empty()};
    auto items = PrepareItems(ctx.catalog(), m.objects, choice, /*validate=*/false, &errors);
    if (!errors.empty()) {
      for (const auto& e : errors) PrintError(ctx, e);
      return Status::Invalid(std::to_string(errors.size()) +
                             " error(s) in the manifests; nothing was deleted");
    }
    for (const auto& it : items) out.push_back({it.kind, it.ns, it.object.name()});
    return out;
  }
  BERTH_ASSIGN_OR_RETURN(std::vector<Target> targets, ParseTargets(ctx.catalog(), f.args));
  for (const Target& t : targets) {
    std::string tns = t.kind->namespaced ? ns : "";
    if (!t.names.empty()) {
      if (!f.selector.empty() || f.all) {
        return Status::BadRequest("names cannot be combined with -l or --all");
      }
      for (const auto& n : t.names) out.push_back({t.kind, tns, n});
      continue;
    }
    if (f.selector.empty() && !f.all) {
      return Status::BadRequest("give NAMEs, -l SELECTOR or --all to delete " + t.kind->plural);
    }
    ListOptions lo;
    lo.label_selector = f.selector;
    BERTH_ASSIGN_OR_RETURN(ObjectList list, client.List(*t.kind, tns, lo));
    for (const auto& o : list.items) out.push_back({t.kind, tns, o.name()});
  }
  return out;
}

Status RunDelete(Context& ctx, const DeleteFlags& f) {
  if (f.files.empty() && f.args.empty()) {
    return Status::BadRequest("give -f FILE, or KIND and NAMEs (or -l SELECTOR, --all)");
  }
  BERTH_ASSIGN_OR_RETURN(auto timeout, ParseDuration(f.timeout));
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  BERTH_ASSIGN_OR_RETURN(std::vector<Victim> victims, Collect(ctx, *client, f));
  if (victims.empty()) {
    ctx.err() << "No resources found\n";
    return Status::Ok();
  }
  DeleteOptions d;
  d.dry_run = f.dry_run == "server";
  std::string policy = f.cascade;
  if (!policy.empty()) policy[0] = static_cast<char>(std::toupper(policy[0]));
  d.propagation_policy = policy;
  // Deadlines are real time: the transport measures them with steady_clock.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int failures = 0;
  std::vector<const Victim*> to_wait;
  for (const Victim& v : victims) {
    std::string label = QualifiedKind(*v.kind) + " \"" + v.name + "\"";
    if (f.purge_volumes && v.kind->kind == "Stack" && !d.dry_run) {
      api::Json patch = {{"metadata", {{"annotations", {{kPurgeVolumes, "true"}}}}}};
      auto marked = client->Patch(*v.kind, v.ns, v.name, PatchType::kMerge, patch.dump(), {});
      if (!marked.ok() && !(marked.status().code() == Code::kNotFound && f.ignore_not_found)) {
        if (IsConnectionError(marked.status())) return marked.status();
        PrintError(ctx, marked.status().message());
        ++failures;
        continue;
      }
    }
    auto r = client->Delete(*v.kind, v.ns, v.name, d);
    if (!r.ok()) {
      if (r.status().code() == Code::kNotFound && f.ignore_not_found) continue;
      if (IsConnectionError(r.status())) return r.status();
      PrintError(ctx, r.status().message());
      ++failures;
      continue;
    }
    ctx.out() << label << " deleted" << (d.dry_run ? " (server dry run)" : "") << "\n";
    ctx.out().flush();
    if (f.wait && !d.dry_run) to_wait.push_back(&v);
  }
  for (const Victim* v : to_wait) {
    std::optional<api::Object> last;
    Status st = WaitFor(
        *client, *v->kind, v->ns, v->name, deadline,
        [](const api::Object* o) { return o == nullptr; }, &last);
    if (st.code() == Code::kTimeout) {
      std::string why;
      if (last && !last->finalizers().empty()) {
        why = " (finalizers still pending: " + Join(last->finalizers(), ", ") + ")";
      }
      return Status::Timeout("timed out after " + FormatDuration(timeout) + " waiting for " +
                             QualifiedName(*v->kind, v->name) + " to be deleted" + why);
    }
    BERTH_RETURN_IF_ERROR(st);
  }
  if (failures > 0) return Reported(Code::kNotFound);
  return Status::Ok();
}

}  // namespace

void RegisterDelete(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("delete", "Delete objects by name, selector or manifest");
  auto f = std::make_shared<DeleteFlags>();
  sub->add_option("args", f->args, "KIND NAME..., KIND/NAME..., or KIND with -l/--all");
  sub->add_option("-f,--filename", f->files, "delete the objects of these manifests")
      ->allow_extra_args(false);
  sub->add_flag("-R,--recursive", f->recursive, "read directories recursively");
  sub->add_option("-l,--selector", f->selector, "delete the objects matching this label selector");
  sub->add_flag("--all", f->all, "delete every object of the kind in the namespace");
  sub->add_flag("--wait", f->wait, "wait until the objects are gone (finalizers done)");
  sub->add_option("--timeout", f->timeout, "how long --wait waits")->capture_default_str();
  sub->add_option("--cascade", f->cascade, "background, foreground or orphan")
      ->check(CLI::IsMember({"background", "foreground", "orphan"}))
      ->capture_default_str();
  sub->add_flag("--ignore-not-found", f->ignore_not_found, "a missing object is not an error");
  sub->add_flag("--purge-volumes", f->purge_volumes,
                "Stacks: remove their named volumes too (kept by default, as compose does)");
  sub->add_option("--dry-run", f->dry_run, "none or server")
      ->check(CLI::IsMember({"none", "server"}))
      ->capture_default_str();
  OnRun(sub, ctx, [&ctx, f] { return RunDelete(ctx, *f); });
}

}  // namespace berth::cli
