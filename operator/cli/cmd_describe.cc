// berth describe KIND NAME | KIND/NAME | KIND [-l SEL]: metadata, a summary of
// spec and status for the kind, conditions, and the object's recent events.
#include <memory>

#include "operator/cli/commands.h"
#include "operator/cli/describe.h"
#include "operator/cli/event_format.h"
#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

constexpr size_t kMaxEvents = 20;

struct DescribeFlags {
  std::vector<std::string> args;
  std::string selector;
  bool all_namespaces = false;
};

std::string Describe(Context& ctx, ApiClient& client, const api::KindInfo& kind,
                     const api::Object& o) {
  auto now = ctx.clock().Now();
  DescribeWriter w;
  DescribeMetadata(o, w, now);
  DescriberFor(kind.kind)(o, w, now);
  DescribeConditions(o, w, now);
  // Events live in the object's namespace; a cluster-scoped object's
  // events are looked for in every namespace.
  if (const api::KindInfo* ev = ctx.catalog().Find("Event");
      ev != nullptr && kind.kind != "Event") {
    ListOptions lo;
    lo.field_selector = EventSelectorFor(kind.kind, o.ns(), o.name());
    auto events = client.List(*ev, o.ns(), lo);
    if (events.ok()) {
      std::vector<api::Object> items = std::move(events->items);
      SortEvents(items);
      if (items.size() > kMaxEvents) items.erase(items.begin(), items.end() - kMaxEvents);
      DescribeEvents(items, w, now);
    } else {
      w.Field(0, "Events", "<unavailable: " + events.status().message() + ">");
    }
  }
  return w.Render();
}

Status RunDescribe(Context& ctx, const DescribeFlags& f) {
  BERTH_ASSIGN_OR_RETURN(std::vector<Target> targets, ParseTargets(ctx.catalog(), f.args));
  std::string ns;
  if (!f.all_namespaces) {
    BERTH_ASSIGN_OR_RETURN(ns, ctx.ns());
  }
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  bool first = true;
  int missing = 0;
  for (const Target& t : targets) {
    std::vector<api::Object> objs;
    if (t.names.empty()) {
      ListOptions lo;
      lo.label_selector = f.selector;
      BERTH_ASSIGN_OR_RETURN(ObjectList list, client->List(*t.kind, ns, lo));
      objs = std::move(list.items);
    } else {
      for (const auto& name : t.names) {
        auto o = client->Get(*t.kind, ns.empty() ? std::string(api::kDefaultNamespace) : ns, name);
        if (o.ok()) {
          objs.push_back(std::move(o).value());
        } else if (o.status().code() == Code::kNotFound) {
          PrintError(ctx, o.status().message());
          ++missing;
        } else {
          return o.status();
        }
      }
    }
    for (const auto& o : objs) {
      if (!first) ctx.out() << "\n";
      ctx.out() << Describe(ctx, *client, *t.kind, o);
      first = false;
    }
  }
  if (missing > 0) return Reported(Code::kNotFound);
  if (first && targets.size() == 1 && targets[0].names.empty()) {
    ctx.err() << "No resources found" << (ns.empty() ? "" : " in " + ns + " namespace") << ".\n";
  }
  return Status::Ok();
}

}  // namespace

void RegisterDescribe(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("describe", "Show a readable summary of objects and their events");
  auto f = std::make_shared<DescribeFlags>();
  sub->add_option("args", f->args, "KIND NAME..., KIND/NAME..., or KIND (all of them)")->required();
  sub->add_option("-l,--selector", f->selector, "label selector (with KIND only)");
  sub->add_flag("-A,--all-namespaces", f->all_namespaces, "across all namespaces (with KIND only)");
  OnRun(sub, ctx, [&ctx, f] { return RunDescribe(ctx, *f); });
}

}  // namespace berth::cli
