// berth get KIND [NAME...] [-o wide|yaml|json|name] [-l SEL] [--field-selector SEL]
//           [-n NS | -A] [-w] [--watch-only]
#include <memory>
#include <ostream>

#include "operator/api/codec.h"
#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"
#include "operator/cli/printers.h"
#include "operator/cli/table.h"
#include "operator/cli/watcher.h"

namespace berth::cli {
namespace {

struct GetFlags {
  std::vector<std::string> args;
  std::string output;
  std::string selector;
  std::string field_selector;
  bool all_namespaces = false;
  bool watch = false;
  bool watch_only = false;
  bool show_labels = false;
  bool ignore_not_found = false;
  bool reveal = false;  // Secrets by name: their values (admins only)
};

// GET of one object with ?reveal=true: a Secret's values in clear, which
// the server allows admins only (403 for anyone else).
Result<api::Object> GetRevealed(ApiClient& client, const api::KindInfo& kind, const std::string& ns,
                                const std::string& name) {
  HttpRequest r;
  r.path = ResourcePath(kind, ns, name);
  r.query.emplace_back("reveal", "true");
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client.Raw(r));
  if (resp.status < 200 || resp.status >= 300) return DecodeErrorResponse(resp.status, resp.body);
  BERTH_ASSIGN_OR_RETURN(api::Json j, api::ParseJson(resp.body));
  return api::Object(std::move(j));
}

std::string NoneFound(const api::KindInfo* kind, const std::string& ns) {
  if (ns.empty() || (kind != nullptr && !kind->namespaced)) return "No resources found";
  return "No resources found in " + ns + " namespace.";
}

// get -w: the table (unless --watch-only), then one row or object per change.
Status Watch(Context& ctx, ApiClient& client, const Target& t, const std::string& ns,
             OutputFormat format, const GetFlags& f) {
  if (t.names.size() > 1) return Status::BadRequest("watch accepts at most one name");
  ListWatchOptions lw;
  lw.label_selector = f.selector;
  lw.field_selector = f.field_selector;
  if (!t.names.empty()) {
    lw.field_selector =
        (lw.field_selector.empty() ? "" : lw.field_selector + ",") + "metadata.name=" + t.names[0];
  }
  TableOptions to{format == OutputFormat::kWide, f.all_namespaces, false, f.show_labels};
  ObjectTable table(ctx.catalog(), *t.kind, to);
  TableWriter writer(table.Headers());
  bool header_done = false;
  auto print = [&](const api::Object& o) {
    if (format == OutputFormat::kTable || format == OutputFormat::kWide) {
      if (!header_done) {
        ctx.out() << writer.RenderHeader();
        header_done = true;
      }
      ctx.out() << writer.RenderRow(table.Row(o, ctx.clock().Now()));
    } else {
      if (format == OutputFormat::kYaml) ctx.out() << "---\n";
      ctx.out() << FormatObjects({o}, format, false);
    }
    ctx.out().flush();
    return ctx.out().good();
  };
  return ListAndWatch(
      client, *t.kind, ns, lw,
      [&](const ObjectList& list) {
        if (f.watch_only) return true;
        if (list.items.empty() &&
            (format == OutputFormat::kTable || format == OutputFormat::kWide)) {
          ctx.err() << NoneFound(t.kind, ns) << "\n";
          ctx.err().flush();
          return true;
        }
        if (format == OutputFormat::kTable || format == OutputFormat::kWide) {
          for (const auto& o : list.items) writer.AddRow(table.Row(o, ctx.clock().Now()));
          ctx.out() << writer.Render();
          header_done = true;
          ctx.out().flush();
          return ctx.out().good();
        }
        for (const auto& o : list.items) {
          if (!print(o)) return false;
        }
        return true;
      },
      [&](const WatchEvent& ev) { return print(ev.object); });
}

Status RunGet(Context& ctx, const GetFlags& f) {
  BERTH_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(f.output));
  BERTH_ASSIGN_OR_RETURN(std::vector<Target> targets, ParseTargets(ctx.catalog(), f.args));
  std::string ns;
  if (!f.all_namespaces) {
    BERTH_ASSIGN_OR_RETURN(ns, ctx.ns());
  }
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  if (f.watch || f.watch_only) {
    if (targets.size() != 1) return Status::BadRequest("watch works on one kind at a time");
    return Watch(ctx, *client, targets[0], ns, format, f);
  }

  std::vector<std::pair<const api::KindInfo*, std::vector<api::Object>>> found;
  int missing = 0;
  bool by_name = false;
  for (const Target& t : targets) {
    std::vector<api::Object> objs;
    if (t.names.empty()) {
      ListOptions lo;
      lo.label_selector = f.selector;
      lo.field_selector = f.field_selector;
      BERTH_ASSIGN_OR_RETURN(ObjectList list, client->List(*t.kind, ns, lo));
      objs = std::move(list.items);
    } else {
      by_name = true;
      std::string get_ns = ns.empty() ? std::string(api::kDefaultNamespace) : ns;
      for (const std::string& name : t.names) {
        auto o = f.reveal ? GetRevealed(*client, *t.kind, get_ns, name)
                          : client->Get(*t.kind, get_ns, name);
        if (o.ok()) {
          objs.push_back(std::move(o).value());
        } else if (o.status().code() == Code::kNotFound) {
          if (!f.ignore_not_found) {
            PrintError(ctx, o.status().message());
            ++missing;
          }
        } else {
          return o.status();
        }
      }
    }
    found.emplace_back(t.kind, std::move(objs));
  }

  size_t total = 0;
  for (const auto& [k, objs] : found) total += objs.size();
  if (format == OutputFormat::kYaml || format == OutputFormat::kJson ||
      format == OutputFormat::kName) {
    std::vector<api::Object> all;
    for (auto& [k, objs] : found) all.insert(all.end(), objs.begin(), objs.end());
    bool single = by_name && targets.size() == 1 && targets[0].names.size() == 1 && all.size() == 1;
    if (format != OutputFormat::kName || !all.empty()) {
      ctx.out() << FormatObjects(all, format, !single);
    }
  } else if (total == 0) {
    if (missing == 0 && !by_name) {
      ctx.err() << NoneFound(targets.size() == 1 ? targets[0].kind : nullptr, ns) << "\n";
    }
  } else {
    bool first = true;
    for (const auto& [kind, objs] : found) {
      if (objs.empty()) continue;
      TableOptions to{format == OutputFormat::kWide, f.all_namespaces, targets.size() > 1,
                      f.show_labels};
      ObjectTable table(ctx.catalog(), *kind, to);
      TableWriter writer(table.Headers());
      for (const auto& o : objs) writer.AddRow(table.Row(o, ctx.clock().Now()));
      if (!first) ctx.out() << "\n";
      ctx.out() << writer.Render();
      first = false;
    }
  }
  if (missing > 0) return Reported(Code::kNotFound);
  return Status::Ok();
}

}  // namespace

void RegisterGet(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("get", "Show one or many objects");
  auto f = std::make_shared<GetFlags>();
  sub->add_option("args", f->args, "KIND [NAME...], KIND/NAME..., or KIND1,KIND2")->required();
  sub->add_option("-o,--output", f->output, "output format: wide, yaml, json or name");
  sub->add_option("-l,--selector", f->selector, "label selector, e.g. app=web,tier!=db");
  sub->add_option("--field-selector", f->field_selector, "field selector, e.g. metadata.name=web");
  sub->add_flag("-A,--all-namespaces", f->all_namespaces, "list across all namespaces");
  sub->add_flag("-w,--watch", f->watch, "after listing, print every change");
  sub->add_flag("--watch-only", f->watch_only, "print changes only, without the initial list");
  sub->add_flag("--show-labels", f->show_labels, "add a LABELS column");
  sub->add_flag("--ignore-not-found", f->ignore_not_found, "a missing NAME is not an error");
  sub->add_flag("--reveal", f->reveal,
                "show the values of Secrets got by name (admins only; redacted otherwise)");
  OnRun(sub, ctx, [&ctx, f] { return RunGet(ctx, *f); });
}

}  // namespace berth::cli
