// berth wait KIND/NAME... --for=condition=Ready[=True] | --for=delete [--timeout=60s]
#include <memory>

#include "operator/cli/commands.h"
#include "operator/cli/kinds.h"
#include "operator/cli/waiter.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

struct WaitFlags {
  std::vector<std::string> args;
  std::string for_;
  std::string timeout = "60s";
};

struct Goal {
  bool deleted = false;
  std::string type;    // condition type
  std::string status;  // "True" unless given
};

Result<Goal> ParseGoal(const std::string& text) {
  if (text == "delete") return Goal{true, "", ""};
  if (StartsWith(text, "condition=")) {
    std::string rest = text.substr(10);
    Goal g{false, rest, "True"};
    if (auto eq = rest.find('='); eq != std::string::npos) {
      g.type = rest.substr(0, eq);
      g.status = rest.substr(eq + 1);
    }
    std::string lower = ToLower(g.status);
    if (lower == "true") g.status = "True";
    if (lower == "false") g.status = "False";
    if (lower == "unknown") g.status = "Unknown";
    if (!g.type.empty() && !g.status.empty()) return g;
  }
  return Status::BadRequest(
      "--for must be delete or condition=TYPE[=STATUS], e.g. "
      "--for=condition=Ready");
}

Status RunWait(Context& ctx, const WaitFlags& f) {
  BERTH_ASSIGN_OR_RETURN(Goal goal, ParseGoal(f.for_));
  BERTH_ASSIGN_OR_RETURN(auto timeout, ParseDuration(f.timeout));
  BERTH_ASSIGN_OR_RETURN(std::vector<Target> targets, ParseTargets(ctx.catalog(), f.args));
  BERTH_ASSIGN_OR_RETURN(std::string ns, ctx.ns());
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  // Deadlines are real time: the transport measures them with steady_clock.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const Target& t : targets) {
    if (t.names.empty()) return Status::BadRequest("wait needs KIND/NAME or KIND NAME...");
    for (const std::string& name : t.names) {
      std::string qname = QualifiedName(*t.kind, name);
      if (!goal.deleted) {
        // A missing object cannot get a condition: say so at once.
        auto o = client->Get(*t.kind, ns, name);
        if (!o.ok()) return o.status();
      }
      std::optional<api::Object> last;
      Status st = WaitFor(
          *client, *t.kind, ns, name, deadline,
          [&](const api::Object* o) {
            if (goal.deleted) return o == nullptr;
            return o != nullptr && HasCondition(*o, goal.type, goal.status);
          },
          &last);
      if (st.code() == Code::kTimeout) {
        std::string want =
            goal.deleted ? "to be deleted" : "for condition " + goal.type + "=" + goal.status;
        std::string now = !last          ? ""
                          : goal.deleted ? "; it still exists"
                                         : "; now: " + DescribeCondition(*last, goal.type);
        return Status::Timeout("timed out after " + FormatDuration(timeout) + " waiting for " +
                               qname + " " + want + now);
      }
      if (!st.ok()) return st;
      if (goal.deleted) {
        ctx.out() << qname << " deleted\n";
      } else {
        ctx.out() << qname << " condition met\n";
      }
      ctx.out().flush();
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterWait(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("wait", "Wait for a condition on objects, or for their deletion");
  auto f = std::make_shared<WaitFlags>();
  sub->add_option("args", f->args, "KIND/NAME... or KIND NAME...")->required();
  sub->add_option("--for", f->for_, "condition=TYPE[=STATUS] (STATUS defaults to True) or delete")
      ->required();
  sub->add_option("--timeout", f->timeout, "how long to wait, e.g. 30s, 5m")->capture_default_str();
  OnRun(sub, ctx, [&ctx, f] { return RunWait(ctx, *f); });
}

}  // namespace berth::cli
