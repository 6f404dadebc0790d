#include "controllers/instance/router_sync.h"

#include "controllers/router/nginx_conf.h"
#include "controllers/stack/naming.h"
#include "operator/api/labels.h"
#include "operator/common/log.h"

namespace berth::instance {

namespace labels = api::labels;
using runtime::EventType;
using runtime::ReconcileResult;

Result<std::optional<std::string>> FindRouterContainer(docker::DockerClient& docker,
                                                       const api::ObjectRef& stack,
                                                       const std::string& service) {
  docker::LabelFilter filter = labels::OwnerFilter(stack);
  filter.push_back(std::string(labels::kService) + "=" + service);
  BERTH_ASSIGN_OR_RETURN(auto containers, docker.ListContainers(filter));
  for (const auto& c : containers) {
    if (c.state == "running") return std::optional<std::string>(c.id);
  }
  return std::optional<std::string>();
}

router::RouterTarget MakeTarget(const api::ObjectRef& stack, const RouterInfo& router,
                                const std::string& container) {
  router::RouterTarget t;
  t.key = stack.ToString();
  t.conf_dir = router.conf_dir;
  t.container = container;
  t.listen_port = router.listen_port;
  return t;
}

RouterSyncReconciler::RouterSyncReconciler(registry::Registry& registry,
                                           docker::DockerClient& docker,
                                           runtime::EventRecorder& events,
                                           router::RouterFiles& files, std::string data_dir)
    : registry_(registry),
      docker_(docker),
      events_(events),
      files_(files),
      data_dir_(std::move(data_dir)) {}

Result<ReconcileResult> RouterSyncReconciler::Reconcile(const runtime::Request& request) {
  const api::ObjectRef& ref = request.ref;
  auto stack = registry_.Get("Stack", ref.ns, ref.name);
  if (!stack.ok()) {
    if (stack.status().code() == Code::kNotFound) return ReconcileResult{};
    return stack.status();
  }
  if (stack->being_deleted()) return ReconcileResult{};
  auto spec = stack::ParseStackSpec(stack->spec());
  if (!spec.ok() || !spec->router) return ReconcileResult{};
  auto router = RouterOf(ref, *spec, stack->spec(), stack::StackDataDir(data_dir_, ref));
  if (!router.ok()) return ReconcileResult{};
  BERTH_ASSIGN_OR_RETURN(auto container, FindRouterContainer(docker_, ref, router->spec.service));
  if (!container) return ReconcileResult{};  // the Stack's status change brings us back
  router::RouterTarget target = MakeTarget(ref, *router, *container);

  bool first;
  {
    std::lock_guard lock(mu_);
    first = reloaded_.insert(*container).second;
  }
  if (first) {
    Status st = files_.Reload(target);
    if (!st.ok()) {
      std::lock_guard lock(mu_);
      reloaded_.erase(*container);
      spdlog::warn("router {}: {}", ref.ToString(), st.ToString());
      return st;
    }
  }

  std::string ns = ref.ns;
  auto removed = files_.Sweep(
      target, [&](const std::string& name) { return router::LooksLikeRouteFile(name, ns); },
      [&]() -> Result<std::set<std::string>> {
        BERTH_ASSIGN_OR_RETURN(auto list, registry_.List("Instance", ns, {}));
        std::set<std::string> keep;
        for (const api::Object& inst : list.items) {
          std::string slug = inst.spec().value("slug", "");
          if (!slug.empty()) keep.insert(router::RouteFileName(ns, slug));
        }
        return keep;
      });
  if (!removed.ok()) return removed.status().Prefixed("router " + ref.ToString());
  for (const std::string& name : *removed) {
    events_.Record(*stack, EventType::kNormal, "RouteRemoved", "Resync",
                   "removed " + name + ": no Instance uses it any more");
  }
  return ReconcileResult{};
}

}  // namespace berth::instance
