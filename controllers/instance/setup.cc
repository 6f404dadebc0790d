#include "controllers/instance/setup.h"

#include <set>

#include "operator/runtime/handler.h"
#include "operator/runtime/informer.h"

namespace berth::instance {
namespace {

using api::Json;

// Provider/Secret edits come in bursts (the provisioning API writes the key
// Secret, then the Provider): one reconcile, hence one restart, for both.
constexpr std::chrono::milliseconds kDebounce{700};

struct Refs {
  std::set<std::string> secrets;
  std::set<std::string> providers;
};

void AddEnvRefs(const Json& env, Refs* out) {
  if (!env.is_object()) return;
  for (const auto& [k, v] : env.items()) {
    if (!v.is_object()) continue;
    if (auto s = v.find("secretRef"); s != v.end() && s->is_object()) {
      out->secrets.insert(s->value("name", ""));
    }
    if (auto p = v.find("providerRef"); p != v.end() && p->is_object()) {
      out->providers.insert(p->value("name", ""));
    }
  }
}

// j[key] when j is an object holding it, else null; never copies.
const Json* Field(const Json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// What an Instance references: its spec.provider and env, and its template's
// env. Called for every (Secret or Provider event, Instance) pair — 10,000
// Secrets listed at start times 200 Instances — so it copies nothing: the
// template is read in the cached Stack in place.
Refs RefsOf(const api::Object& inst, const runtime::Informer& stacks) {
  Refs r;
  const Json& spec = inst.spec();
  if (const Json* p = Field(spec, "provider"); p && p->is_string() && !p->empty()) {
    r.providers.insert(p->get<std::string>());
  }
  if (const Json* env = Field(spec, "env")) AddEnvRefs(*env, &r);
  const Json* t = Field(spec, "template");
  if (t == nullptr || !t->is_object()) return r;
  const std::string stack = t->value("stack", ""), name = t->value("name", "");
  stacks.List([&](const api::Object& st) {  // a visit: selects nothing
    if (st.ns() != inst.ns() || st.name() != stack) return false;
    const Json* all = Field(st.spec(), "instanceTemplates");
    const Json* tmpl = all != nullptr ? Field(*all, name) : nullptr;
    if (const Json* env = tmpl != nullptr ? Field(*tmpl, "env") : nullptr) AddEnvRefs(*env, &r);
    return false;
  });
  return r;
}

std::string KeySecretOf(const runtime::Informer& providers, const std::string& ns,
                        const std::string& provider) {
  auto p = providers.Get({"Provider", ns, provider});
  if (!p || !p->spec().is_object()) return "";
  const Json& ref = p->spec().value("apiKeySecretRef", Json::object());
  return ref.is_object() ? ref.value("name", "") : "";
}

// Enqueues (debounced) the Instances of obj's namespace for which `uses` holds
// (evaluated on the cached Instances in place: only users are copied).
runtime::EventHandler RequeueUsers(
    runtime::Informer& instances, runtime::Controller& controller,
    std::function<bool(const api::Object&, const api::Object&)> uses) {
  auto requeue = [&instances, &controller, uses](const api::Object& obj) {
    auto users = instances.List(
        [&](const api::Object& inst) { return inst.ns() == obj.ns() && uses(inst, obj); });
    for (const api::Object& inst : users) controller.EnqueueAfter(inst.ref(), kDebounce);
  };
  runtime::EventHandler h;
  h.on_add = requeue;
  h.on_update = [requeue](const api::Object& before, const api::Object& now) {
    // A periodic resync (same resourceVersion): the Instance informer's own
    // resync revisits every Instance already.
    if (before.resource_version() == now.resource_version()) return;
    // Status-only writes (the Provider controller's conditions) change nothing here.
    if (before.resource_version() != now.resource_version() &&
        before.generation() == now.generation() &&
        before.json().value("data", Json()) == now.json().value("data", Json())) {
      return;
    }
    requeue(now);
  };
  h.on_delete = requeue;
  return h;
}

bool MetaChanged(const api::Object& a, const api::Object& b) {
  const Json& ma = a.metadata();
  const Json& mb = b.metadata();
  for (const char* k : {"deletionTimestamp", "finalizers", "annotations", "labels"}) {
    if (ma.value(k, Json()) != mb.value(k, Json())) return true;
  }
  return false;
}

}  // namespace

bool UsesProvider(const api::Object& inst, const std::string& name) {
  Refs r;
  const Json& spec = inst.spec();
  if (!spec.is_object()) return false;
  if (spec.value("provider", "") == name) return true;
  AddEnvRefs(spec.value("env", Json::object()), &r);
  return r.providers.count(name) > 0;
}

bool UsesSecret(const api::Object& inst, const std::string& name) {
  Refs r;
  if (!inst.spec().is_object()) return false;
  AddEnvRefs(inst.spec().value("env", Json::object()), &r);
  return r.secrets.count(name) > 0;
}

std::unique_ptr<InstanceController> AddInstanceController(runtime::Manager& manager,
                                                          const InstanceControllerSetup& s) {
  auto out = std::make_unique<InstanceController>();
  out->nginx = router::NewDockerNginx(*s.docker);
  out->router_files = std::make_unique<router::RouterFiles>(*s.fs, *out->nginx);

  runtime::ControllerOptions copts;
  copts.name = "instance";
  copts.workers = s.workers;
  copts.clock = s.clock;
  runtime::Controller& controller = manager.AddController(
      copts, std::make_unique<InstanceReconciler>(*s.registry, *s.docker, *s.recorder, *s.fs,
                                                  *s.clock, *out->router_files, s.options));
  runtime::ControllerOptions ropts;
  ropts.name = "instance-router";
  ropts.workers = 2;
  ropts.clock = s.clock;
  runtime::Controller& routers = manager.AddController(
      ropts, std::make_unique<RouterSyncReconciler>(*s.registry, *s.docker, *s.recorder,
                                                    *out->router_files, s.options.data_dir));
  out->instances = &controller;
  out->routers = &routers;

  auto informer = [&](const char* kind) -> runtime::Informer& {
    runtime::InformerOptions o;
    o.kind = kind;
    o.clock = s.clock;
    o.resync_period = s.resync_period;
    return manager.AddInformer(std::make_unique<runtime::Informer>(*s.registry, o));
  };
  runtime::Informer& instances = informer("Instance");
  runtime::Informer& stacks = informer("Stack");
  runtime::Informer& providers = informer("Provider");
  runtime::Informer& secrets = informer("Secret");

  runtime::EventHandler self;
  self.on_add = [&controller](const api::Object& o) { controller.Enqueue(o.ref()); };
  self.on_update = [&controller](const api::Object& before, const api::Object& now) {
    // Our own status writes would bring every Instance straight back; the
    // periodic resync (same resourceVersion) and real changes do.
    bool resync = before.resource_version() == now.resource_version();
    if (resync || before.generation() != now.generation() || MetaChanged(before, now)) {
      controller.Enqueue(now.ref());
    }
  };
  self.on_delete = [&controller, &routers](const api::Object& o) {
    controller.Enqueue(o.ref());
    const Json& t = o.spec().is_object() ? o.spec().value("template", Json::object()) : Json();
    if (t.is_object()) routers.EnqueueAfter({"Stack", o.ns(), t.value("stack", "")}, kDebounce);
  };
  instances.AddHandler(self);

  runtime::EventHandler stack_handler;
  auto on_stack = [&instances, &controller, &routers](const api::Object& st) {
    routers.Enqueue(st.ref());
    for (const api::Object& inst : instances.List(st.ns())) {
      const Json& t =
          inst.spec().is_object() ? inst.spec().value("template", Json::object()) : Json();
      if (t.is_object() && t.value("stack", "") == st.name()) controller.Enqueue(inst.ref());
    }
  };
  stack_handler.on_add = on_stack;
  stack_handler.on_update = [on_stack, &routers](const api::Object& before,
                                                 const api::Object& now) {
    // A periodic resync (same resourceVersion) is the router's resync; the
    // Instances are revisited by their own informer's.
    if (before.resource_version() == now.resource_version()) {
      routers.Enqueue(now.ref());
      return;
    }
    on_stack(now);
  };
  stack_handler.on_delete = on_stack;
  stacks.AddHandler(stack_handler);

  providers.AddHandler(
      RequeueUsers(instances, controller, [&stacks](const api::Object& inst, const api::Object& p) {
        return RefsOf(inst, stacks).providers.count(p.name()) > 0;
      }));
  secrets.AddHandler(
      RequeueUsers(instances, controller,
                   [&stacks, &providers](const api::Object& inst, const api::Object& sec) {
                     Refs r = RefsOf(inst, stacks);
                     if (r.secrets.count(sec.name())) return true;
                     for (const std::string& p : r.providers) {
                       if (KeySecretOf(providers, inst.ns(), p) == sec.name()) return true;
                     }
                     return false;
                   }));

  if (s.docker_events != nullptr) {
    s.docker_events->RegisterOwnerKind("Instance", controller);
    s.docker_events->RegisterResync([&instances, &controller] {
      for (const api::Object& inst : instances.List()) controller.Enqueue(inst.ref());
    });
  }
  return out;
}

}  // namespace berth::instance
