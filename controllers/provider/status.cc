#include "controllers/provider/status.h"

#include <set>

#include "controllers/provider/keys.h"
#include "controllers/provider/select.h"
#include "operator/api/meta.h"
#include "operator/runtime/handler.h"
#include "operator/runtime/informer.h"

namespace berth::provider {
namespace {

using api::Json;

api::Condition ReadyCondition(registry::Registry& registry, const api::Object& p) {
  api::Condition c{"Ready", "True", "KeyFound", "the API key Secret holds the key", p.generation()};
  const Json& spec = p.spec();
  if (!spec.is_object() || !spec.contains("apiKeySecretRef")) {
    c.reason = "NoKeyNeeded";
    c.message = "a vllm Provider needs no API key";
    return c;
  }
  auto key = ResolveApiKey(registry, p);
  if (key.ok()) return c;
  c.status = "False";
  c.message = key.status().message();
  if (key.status().code() == Code::kInvalid) {
    c.reason = "KeyInvalid";
  } else if (c.message.find("does not exist") != std::string::npos) {
    c.reason = "SecretNotFound";
  } else if (key.status().code() == Code::kNotFound) {
    c.reason = "KeyNotFound";
  } else {
    c.status = "Unknown";
    c.reason = "SecretUnreadable";
  }
  return c;
}

}  // namespace

Result<std::vector<std::string>> ProviderStatusReconciler::Consumers(const std::string& ns,
                                                                     const std::string& name) {
  std::set<std::string> out;
  BERTH_ASSIGN_OR_RETURN(registry::ObjectList providers, registry_.List("Provider", ns));
  BERTH_ASSIGN_OR_RETURN(registry::ObjectList stacks, registry_.List("Stack", ns));
  for (const api::Object& st : stacks.items) {
    auto spec = stack::ParseStackSpec(st.spec());
    if (!spec.ok()) continue;
    for (const Consumption& c : ConsumedProviders(*spec, providers.items)) {
      if (c.provider == name) out.insert(st.ref().ToString());
    }
  }
  auto instances = registry_.List("Instance", ns);
  if (instances.ok()) {
    for (const api::Object& inst : instances->items) {
      if (inst.spec().is_object() && inst.spec().value("provider", "") == name) {
        out.insert(inst.ref().ToString());
      }
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

Result<runtime::ReconcileResult> ProviderStatusReconciler::Reconcile(
    const runtime::Request& request) {
  const api::ObjectRef& ref = request.ref;
  auto p = registry_.Get("Provider", ref.ns, ref.name);
  if (!p.ok()) {
    if (p.status().code() == Code::kNotFound) return runtime::ReconcileResult{};
    return p.status();
  }
  if (p->being_deleted()) return runtime::ReconcileResult{};
  api::Condition ready = ReadyCondition(registry_, *p);
  BERTH_ASSIGN_OR_RETURN(std::vector<std::string> consumers, Consumers(ref.ns, ref.name));
  auto res = registry_.Mutate(
      "Provider", ref.ns, ref.name,
      [&](api::Object& obj) {
        Json& st = obj.mutable_status();
        if (!st.is_object()) st = Json::object();
        ready.observed_generation = obj.generation();
        api::SetCondition(st, ready, clock_.Now());
        st["observedGeneration"] = obj.generation();
        st["consumers"] = consumers;
        return Status::Ok();
      },
      /*status=*/true);
  if (!res.ok() && res.status().code() != Code::kNotFound) return res.status();
  return runtime::ReconcileResult{};
}

runtime::Controller& AddProviderController(runtime::Manager& manager, registry::Registry& registry,
                                           Clock& clock, int workers,
                                           std::chrono::milliseconds resync_period) {
  runtime::ControllerOptions copts;
  copts.name = "provider";
  copts.workers = workers;
  copts.clock = &clock;
  runtime::Controller& controller =
      manager.AddController(copts, std::make_unique<ProviderStatusReconciler>(registry, clock));

  auto informer = [&](const std::string& kind) -> runtime::Informer& {
    runtime::InformerOptions o;
    o.kind = kind;
    o.clock = &clock;
    o.resync_period = resync_period;
    return manager.AddInformer(std::make_unique<runtime::Informer>(registry, o));
  };
  runtime::Informer& providers = informer("Provider");
  providers.AddHandler(runtime::EnqueueSelf(controller));

  // Anything in a namespace may change its Providers' readiness or consumers:
  // requeue them all (a namespace holds few Providers).
  auto requeue_ns = [&providers, &controller](const api::Object& obj) {
    for (const api::Object& p : providers.List(obj.ns())) controller.Enqueue(p.ref());
  };
  runtime::EventHandler h;
  h.on_add = requeue_ns;
  h.on_update = [requeue_ns](const api::Object&, const api::Object& now) { requeue_ns(now); };
  h.on_delete = requeue_ns;
  for (const char* kind : {"Secret", "Stack", "Instance"}) informer(kind).AddHandler(h);
  return controller;
}

}  // namespace berth::provider
