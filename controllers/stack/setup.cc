#include "controllers/stack/setup.h"

#include "operator/runtime/handler.h"
#include "operator/runtime/informer.h"

namespace berth::stack {
namespace {

// Walks every env value of every service.
template <typename Fn>
bool AnyEnv(const api::Object& stack, Fn&& fn) {
  const api::Json& services = stack.spec().value("services", api::Json::object());
  if (!services.is_object()) return false;
  for (const auto& [name, svc] : services.items()) {
    if (!svc.is_object() || !svc.contains("env") || !svc["env"].is_object()) continue;
    for (const auto& [k, v] : svc["env"].items()) {
      if (fn(v)) return true;
    }
  }
  return false;
}

bool UsesRenderedConfigs(const api::Object& stack) {
  const api::Json& services = stack.spec().value("services", api::Json::object());
  if (!services.is_object()) return false;
  for (const auto& [name, svc] : services.items()) {
    if (!svc.is_object() || !svc.contains("configFiles")) continue;
    for (const auto& f : svc["configFiles"]) {
      if (f.is_object() && f.contains("render")) return true;
    }
  }
  return false;
}

// Requeues the Stacks of `obj`'s namespace for which `uses(stack)` holds.
runtime::EventHandler RequeueUsers(
    runtime::Informer& stacks, runtime::Controller& controller,
    std::function<bool(const api::Object&, const api::Object&)> uses) {
  auto requeue = [&stacks, &controller, uses](const api::Object& obj) {
    for (const api::Object& s : stacks.List(obj.ns())) {
      if (uses(s, obj)) controller.Enqueue(s.ref());
    }
  };
  runtime::EventHandler h;
  h.on_add = requeue;
  h.on_update = [requeue](const api::Object& before, const api::Object& now) {
    // A periodic resync (same resourceVersion): the Stack informer's own
    // resync revisits every Stack already.
    if (before.resource_version() != now.resource_version()) requeue(now);
  };
  h.on_delete = requeue;
  return h;
}

}  // namespace

bool ReferencesSecret(const api::Object& stack, const std::string& name) {
  // A pull Secret: a pull that failed for want of it is retried at once.
  const api::Json& pull = stack.spec().value("imagePullSecrets", api::Json::array());
  if (pull.is_array()) {
    for (const api::Json& ref : pull) {
      if (ref.is_object() && ref.value("name", "") == name) return true;
    }
  }
  return AnyEnv(stack, [&](const api::Json& v) {
    return v.is_object() && v.contains("secretRef") && v["secretRef"].value("name", "") == name;
  });
}

bool ReferencesProvider(const api::Object& stack, const std::string& name) {
  return UsesRenderedConfigs(stack) || AnyEnv(stack, [&](const api::Json& v) {
           return v.is_object() && v.contains("providerRef") &&
                  v["providerRef"].value("name", "") == name;
         });
}

StackController AddStackController(runtime::Manager& manager, const StackControllerSetup& s) {
  auto reconciler = std::make_unique<StackReconciler>(*s.registry, *s.docker, *s.recorder, *s.fs,
                                                      *s.clock, s.options, s.renderer);
  StackReconciler* rec = reconciler.get();
  runtime::ControllerOptions copts;
  copts.name = "stack";
  copts.workers = s.workers;
  copts.clock = s.clock;
  runtime::Controller& controller = manager.AddController(copts, std::move(reconciler));

  runtime::InformerOptions sopts;
  sopts.kind = "Stack";
  sopts.clock = s.clock;
  sopts.resync_period = s.resync_period;
  runtime::Informer& stacks =
      manager.AddInformer(std::make_unique<runtime::Informer>(*s.registry, sopts));
  stacks.AddHandler(runtime::EnqueueSelf(controller));

  runtime::InformerOptions secret_opts;
  secret_opts.kind = "Secret";
  secret_opts.clock = s.clock;
  secret_opts.resync_period = s.resync_period;
  runtime::Informer& secrets =
      manager.AddInformer(std::make_unique<runtime::Informer>(*s.registry, secret_opts));
  secrets.AddHandler(
      RequeueUsers(stacks, controller, [](const api::Object& st, const api::Object& o) {
        if (ReferencesSecret(st, o.name())) return true;
        // A Provider's API key Secret: Stacks using any Provider may depend on it.
        return UsesRenderedConfigs(st) || AnyEnv(st, [](const api::Json& v) {
                 return v.is_object() && v.contains("providerRef");
               });
      }));

  runtime::InformerOptions provider_opts;
  provider_opts.kind = "Provider";
  provider_opts.clock = s.clock;
  provider_opts.resync_period = s.resync_period;
  runtime::Informer& providers =
      manager.AddInformer(std::make_unique<runtime::Informer>(*s.registry, provider_opts));
  providers.AddHandler(
      RequeueUsers(stacks, controller, [](const api::Object& st, const api::Object& o) {
        return ReferencesProvider(st, o.name());
      }));

  if (s.docker_events != nullptr) {
    s.docker_events->RegisterOwnerKind("Stack", controller);
    s.docker_events->RegisterNetworkResolver(
        [rec](const std::string& name) { return rec->NetworkOwner(name); });
    s.docker_events->RegisterResync([&stacks, &controller] {
      for (const api::Object& st : stacks.List()) controller.Enqueue(st.ref());
    });
  }
  return {rec, &controller};
}

}  // namespace berth::stack
