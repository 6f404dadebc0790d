// The Instance's route: its conf.d file in the Stack's router, written once
// the container is ready and removed when it is not.
#include "controllers/instance/reconciler.h"
#include "controllers/instance/reconciler_internal.h"
#include "controllers/instance/router_sync.h"
#include "operator/api/meta.h"
#include "operator/common/log.h"
#include "operator/common/strings.h"

namespace berth::instance {

using runtime::EventType;

namespace {

// nginx's message inside the Routed condition's message (status.cc writes
// "nginx -t refused FILE; the router keeps its previous configuration: MSG").
std::string LastRouteError(const std::string& condition_message) {
  constexpr std::string_view kSep = "previous configuration: ";
  size_t at = condition_message.find(kSep);
  return at == std::string::npos ? condition_message : condition_message.substr(at + kSep.size());
}

}  // namespace

Result<std::optional<router::RouterTarget>> InstanceReconciler::RouterTargetFor(
    const api::ObjectRef& stack, const RouterInfo& router) {
  BERTH_ASSIGN_OR_RETURN(auto container, FindRouterContainer(docker_, stack, router.spec.service));
  if (!container) return std::optional<router::RouterTarget>();
  return std::optional<router::RouterTarget>(MakeTarget(stack, router, *container));
}

Status InstanceReconciler::RemoveRoute(const api::Object& inst, const std::string& path,
                                       const std::optional<router::RouterTarget>& target) {
  if (!fs_.Exists(path)) return Status::Ok();
  std::string dir = path.substr(0, path.find_last_of('/'));
  std::string name = path.substr(path.find_last_of('/') + 1);
  Status st;
  if (target && target->conf_dir == dir) {
    st = router_files_.Apply(*target, {name, std::nullopt});
  } else {
    // No running router reads the file: removing it cannot break anything.
    st = fs_.Remove(path);
  }
  if (!st.ok()) return st.Prefixed("removing route " + name);
  events_.Record(inst, EventType::kNormal, "Unrouted", "Unroute",
                 "removed router file " + name + (target ? " and reloaded nginx" : ""));
  return Status::Ok();
}

void InstanceReconciler::EnsureRoute(const api::Object& inst, const Desired& d, Observation* o) {
  std::string path = d.route_file();
  std::string name = path.substr(path.find_last_of('/') + 1);
  o->router_file = path;
  auto target = RouterTargetFor(d.stack_ref, *d.router);
  if (!target.ok()) {
    o->route = RouteState::kUnavailable;
    o->route_message = "finding the router container: " + target.status().message();
    return;
  }
  bool want = !d.suspend && o->running && (o->health.empty() || o->health == "healthy");
  if (!want) {
    o->route = RouteState::kWaiting;
    Status st = RemoveRoute(inst, path, *target);
    if (!st.ok()) spdlog::warn("instance {}: {}", inst.ref().ToString(), st.ToString());
    return;
  }
  if (!*target) {
    o->route = RouteState::kUnavailable;
    o->route_message = "the router (service " + d.router->spec.service + " of Stack " +
                       d.stack_ref.name + ") is not running";
    return;
  }
  auto block = router::RenderServerBlock(RouteFor(d.Input()));
  if (!block.ok()) {
    o->route = RouteState::kRejected;
    o->route_message = block.status().ToString();
    return;
  }
  // A block nginx already refused is not written and tested again: a retry
  // could only fail the same way, and meanwhile the broken file would sit in
  // conf.d. It is tried again once it changes (template, slug, router).
  std::string block_hash = Sha256Hex(*block);
  const api::Json& prev = inst.status();
  if (prev.is_object() && prev.value("rejectedRouteHash", "") == block_hash) {
    o->route = RouteState::kRejected;
    o->rejected_route_hash = block_hash;
    const api::Json* routed = api::FindCondition(prev, "Routed");
    o->route_message =
        routed != nullptr ? LastRouteError(routed->value("message", "")) : "refused earlier";
    return;
  }
  bool was_routed = api::IsConditionTrue(inst.status(), "Routed");
  Status st = router_files_.Apply(**target, {name, *block});
  if (st.ok()) {
    o->route = RouteState::kRouted;
    if (!was_routed) {
      events_.Record(inst, EventType::kNormal, "Routed", "Route",
                     o->host + " routed to " + o->container_name + " (" + name +
                         ", nginx -t passed, reloaded)");
    }
    return;
  }
  o->route_message = st.message();
  if (st.code() == Code::kInvalid) {
    o->route = RouteState::kRejected;
    o->rejected_route_hash = block_hash;
    events_.Record(inst, EventType::kWarning, "RouteRejected", "Route",
                   "nginx -t refused " + name +
                       "; the router keeps serving its previous "
                       "configuration: " +
                       st.message());
  } else {
    o->route = RouteState::kUnavailable;
  }
}

}  // namespace berth::instance
