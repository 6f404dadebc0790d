// Reading what an Instance asks for: its Stack, template and router, the
// Secret and Provider values its env references, and its Provider's config.
#include <set>

#include "controllers/instance/reconciler.h"
#include "controllers/instance/reconciler_internal.h"
#include "controllers/instance/slug.h"
#include "controllers/provider/render.h"
#include "controllers/router/nginx_conf.h"
#include "controllers/stack/naming.h"
#include "controllers/stack/pull_auth.h"
#include "operator/common/strings.h"

namespace berth::instance {
namespace {

std::string Causes(const Status& st) {
  std::string out;
  for (const auto& c : st.causes()) out += (out.empty() ? "" : "; ") + c.field + ": " + c.message;
  return out.empty() ? st.message() : out;
}

}  // namespace

bool AnnotationTrue(const api::Object& obj, const char* key) {
  auto a = obj.annotations();
  auto it = a.find(key);
  return it != a.end() && it->second == "true";
}

std::string InstanceReconciler::Desired::config_file() const {
  return dirs.config + "/" + ConfigFileName(tmpl->config_path);
}

std::string InstanceReconciler::Desired::route_file() const {
  return router->conf_dir + "/" + router::RouteFileName(instance.ns, slug);
}

RenderInput InstanceReconciler::Desired::Input() const {
  RenderInput in;
  in.instance = instance;
  in.user = user;
  in.slug = slug;
  in.tmpl = tmpl ? &*tmpl : nullptr;
  in.router = router ? &*router : nullptr;
  in.env = env;
  in.dirs = dirs;
  in.refs = refs;
  return in;
}

InstanceReconciler::Desired InstanceReconciler::Load(const api::Object& inst) {
  Desired d;
  const api::Json& spec = inst.spec();
  d.instance = inst.ref();
  d.user = spec.value("user", "");
  d.slug = spec.value("slug", "");
  if (d.slug.empty()) {
    auto slug = DefaultSlug(d.user);
    if (slug.ok()) d.slug = *slug;
  }
  d.suspend = spec.value("suspend", false);
  d.provider = spec.value("provider", "");
  const api::Json& tref = spec.value("template", api::Json::object());
  d.stack_ref = {"Stack", inst.ns(), tref.value("stack", "")};
  std::string tmpl_name = tref.value("name", "");
  if (Status st = ValidateSlug(d.slug); !st.ok()) {
    d.failed_reason = "InvalidSlug";
    d.failed_message = Causes(st);
    return d;
  }
  d.dirs = DirsFor(opts_.data_dir, inst.ns(), d.slug);
  if (auto e = spec.find("env"); e != spec.end()) {
    auto env = stack::ParseEnv(*e, "spec.env");
    if (!env.ok()) {
      d.failed_reason = "InvalidSpec";
      d.failed_message = Causes(env.status());
      return d;
    }
    d.env = std::move(*env);
  }

  auto stack = registry_.Get("Stack", inst.ns(), d.stack_ref.name);
  if (!stack.ok()) {
    d.pending_reason =
        stack.status().code() == Code::kNotFound ? "StackNotFound" : "StackUnreadable";
    d.pending_message =
        "Stack " + inst.ns() + "/" + d.stack_ref.name + ": " + stack.status().message();
    return d;
  }
  if (stack->being_deleted()) {
    d.pending_reason = "StackDeleting";
    d.pending_message = "Stack " + inst.ns() + "/" + d.stack_ref.name + " is being deleted";
    return d;
  }
  auto parsed = stack::ParseStackSpec(stack->spec());
  if (!parsed.ok()) {
    d.failed_reason = "InvalidStack";
    d.failed_message = Causes(parsed.status());
    return d;
  }
  auto tmpl = ParseTemplate(*parsed, tmpl_name);
  if (!tmpl.ok()) {
    d.failed_reason =
        tmpl.status().code() == Code::kNotFound ? "TemplateNotFound" : "InvalidTemplate";
    d.failed_message = "Stack " + d.stack_ref.name + ": " + Causes(tmpl.status());
    return d;
  }
  d.tmpl = std::move(*tmpl);
  auto router = RouterOf(d.stack_ref, *parsed, stack->spec(),
                         stack::StackDataDir(opts_.data_dir, d.stack_ref));
  if (!router.ok()) {
    d.failed_reason = "NoRouter";
    d.failed_message = "Stack " + d.stack_ref.name + ": " + Causes(router.status());
    return d;
  }
  d.router = std::move(*router);

  std::map<std::string, stack::EnvSource> all = d.tmpl->service.env;
  for (const auto& [k, v] : d.env) all[k] = v;
  ResolveEnv(inst.ns(), all, &d.refs);
  RenderConfig(inst, &d);
  return d;
}

void InstanceReconciler::ResolveEnv(const std::string& ns,
                                    const std::map<std::string, stack::EnvSource>& env,
                                    stack::RenderInputs* in) {
  std::set<std::string> secrets, providers;
  for (const auto& [name, src] : env) {
    if (src.type == stack::EnvSource::Type::kSecret) secrets.insert(src.ref_name);
    if (src.type == stack::EnvSource::Type::kProvider) providers.insert(src.ref_name);
  }
  std::set<std::string> loaded;
  auto load_secret = [&](const std::string& name) {
    if (!loaded.insert(name).second) return;
    auto obj = registry_.Get("Secret", ns, name);
    if (!obj.ok()) return;
    for (auto& [k, v] : stack::SecretData(*obj)) in->secrets[{name, k}] = std::move(v);
  };
  for (const std::string& name : secrets) load_secret(name);
  for (const std::string& name : providers) {
    auto obj = registry_.Get("Provider", ns, name);
    if (!obj.ok()) continue;
    const api::Json& ps = obj->spec();
    in->providers[{name, "type"}] = ps.value("type", "");
    in->providers[{name, "baseURL"}] = ps.value("baseURL", "");
    std::vector<std::string> models;
    for (const auto& m : ps.value("models", api::Json::array())) {
      if (m.is_string()) models.push_back(m.get<std::string>());
    }
    in->providers[{name, "models"}] = Join(models, ",");
    in->providers[{name, "model"}] =
        ps.value("defaultModel", models.empty() ? std::string() : models.front());
    if (auto key = ps.find("apiKeySecretRef"); key != ps.end() && key->is_object()) {
      std::string sname = key->value("name", "");
      load_secret(sname);
      if (auto it = in->secrets.find({sname, key->value("key", "")}); it != in->secrets.end()) {
        in->providers[{name, "apiKey"}] = it->second;
      }
    } else if (ps.value("type", "") == "vllm") {
      in->providers[{name, "apiKey"}] = "";
    }
  }
}

void InstanceReconciler::RenderConfig(const api::Object& inst, Desired* d) {
  if (d->provider.empty()) return;
  auto fail = [&](const std::string& why) {
    d->config_ok = false;
    d->config_message = "Provider " + d->provider + ": " + why;
  };
  auto provider = registry_.Get("Provider", inst.ns(), d->provider);
  if (!provider.ok()) return fail(provider.status().message());
  std::string key;
  const api::Json& ps = provider->spec();
  if (auto ref = ps.find("apiKeySecretRef"); ref != ps.end() && ref->is_object()) {
    std::string sname = ref->value("name", "");
    std::string skey = ref->value("key", "");
    auto secret = registry_.Get("Secret", inst.ns(), sname);
    if (!secret.ok()) return fail("API key Secret " + sname + ": " + secret.status().message());
    auto data = stack::SecretData(*secret);
    auto it = data.find(skey);
    if (it == data.end()) return fail("Secret " + sname + " has no key " + skey);
    key = it->second;
  }
  auto content = provider::RenderInstanceConfig(*provider, key);
  if (!content.ok()) return fail(Causes(content.status()));
  d->config = *content;
  d->config_hash = ConfigDigest(opts_.cluster_id, *content);
}

}  // namespace berth::instance
