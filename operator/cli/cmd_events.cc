// berth events [-n NS | -A] [--for KIND/NAME] [--types Warning] [-w]
#include <memory>

#include "operator/cli/commands.h"
#include "operator/cli/event_format.h"
#include "operator/cli/kinds.h"
#include "operator/cli/table.h"
#include "operator/cli/watcher.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

struct EventsFlags {
  bool all_namespaces = false;
  std::string for_object;
  std::vector<std::string> types;
  bool watch = false;
};

std::vector<std::string> Headers(bool with_ns) {
  std::vector<std::string> h;
  if (with_ns) h.push_back("NAMESPACE");
  for (const char* c : {"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}) h.push_back(c);
  return h;
}

std::vector<std::string> Row(const api::Object& e, bool with_ns,
                             std::chrono::system_clock::time_point now) {
  std::vector<std::string> r;
  if (with_ns) r.push_back(e.ns());
  r.push_back(EventAge(e, now));
  r.push_back(e.json().value("type", ""));
  r.push_back(e.json().value("reason", ""));
  r.push_back(EventObject(e));
  r.push_back(e.json().value("note", ""));
  return r;
}

Status RunEvents(Context& ctx, const EventsFlags& f) {
  const api::KindInfo* ev = ctx.catalog().Find("Event");
  if (ev == nullptr) return Status::Internal("this build has no Event kind");
  std::string ns;
  if (!f.all_namespaces) {
    BERTH_ASSIGN_OR_RETURN(ns, ctx.ns());
  }
  ListWatchOptions lw;
  if (!f.for_object.empty()) {
    BERTH_ASSIGN_OR_RETURN(auto target, ParseOneTarget(ctx.catalog(), {f.for_object}));
    lw.field_selector =
        EventSelectorFor(target.first->kind, target.first->namespaced ? ns : "", target.second);
  }
  auto wanted = [&](const api::Object& e) {
    if (f.types.empty()) return true;
    std::string t = ToLower(e.json().value("type", ""));
    for (const auto& w : f.types) {
      if (ToLower(w) == t) return true;
    }
    return false;
  };
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  TableWriter table(Headers(f.all_namespaces));
  bool header = false;
  return ListAndWatch(
      *client, *ev, ns, lw,
      [&](const ObjectList& list) {
        std::vector<api::Object> items;
        for (const auto& e : list.items) {
          if (wanted(e)) items.push_back(e);
        }
        SortEvents(items);
        if (items.empty()) {
          ctx.err() << "No events found" << (ns.empty() ? "" : " in " + ns + " namespace") << ".\n";
        } else {
          for (const auto& e : items) table.AddRow(Row(e, f.all_namespaces, ctx.clock().Now()));
          ctx.out() << table.Render();
          header = true;
        }
        ctx.out().flush();
        return f.watch;
      },
      [&](const WatchEvent& e) {
        if (e.type == "DELETED" || !wanted(e.object)) return true;
        if (!header) {
          ctx.out() << table.RenderHeader();
          header = true;
        }
        ctx.out() << table.RenderRow(Row(e.object, f.all_namespaces, ctx.clock().Now()));
        ctx.out().flush();
        return ctx.out().good();
      });
}

}  // namespace

void RegisterEvents(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("events", "List events: what controllers did and why");
  auto f = std::make_shared<EventsFlags>();
  sub->add_flag("-A,--all-namespaces", f->all_namespaces, "events of every namespace");
  sub->add_option("--for", f->for_object, "only events about KIND/NAME");
  sub->add_option("--types", f->types, "only these types: Normal, Warning")->delimiter(',');
  sub->add_flag("-w,--watch", f->watch, "after listing, print new events as they come");
  OnRun(sub, ctx, [&ctx, f] { return RunEvents(ctx, *f); });
}

}  // namespace berth::cli
