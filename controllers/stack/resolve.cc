// Resolving a Stack's references: Secret values, Provider fields and rendered
// config files, read through the registry into RenderInputs.
#include <set>

#include "controllers/stack/pull_auth.h"
#include "controllers/stack/reconciler.h"
#include "controllers/stack/reconciler_internal.h"
#include "operator/common/strings.h"

namespace berth::stack {

StackReconciler::Resolved StackReconciler::Resolve(const api::ObjectRef& ref,
                                                   const StackSpec& spec) {
  Resolved r;
  RenderInputs& in = r.inputs;
  in.stack = ref;
  in.stack_dir = StackDir(ref);
  in.secrets_dir = SecretsDir(ref);

  std::set<std::string> secrets, providers;
  for (const auto& [name, svc] : spec.services) {
    for (const auto& [env, src] : svc.env) {
      if (src.type == EnvSource::Type::kSecret) secrets.insert(src.ref_name);
      if (src.type == EnvSource::Type::kProvider) providers.insert(src.ref_name);
    }
  }
  std::set<std::string> loaded;
  auto load_secret = [&](const std::string& name) {
    if (!loaded.insert(name).second) return;
    auto obj = registry_.Get("Secret", ref.ns, name);
    if (!obj.ok()) return;
    for (auto& [k, v] : SecretData(*obj)) {
      r.secret_values.insert(v);
      in.secrets[{name, k}] = std::move(v);
    }
  };
  for (const std::string& name : secrets) load_secret(name);

  for (const std::string& name : providers) {
    auto obj = registry_.Get("Provider", ref.ns, name);
    if (!obj.ok()) continue;
    const api::Json& ps = obj->spec();
    in.providers[{name, "type"}] = ps.value("type", "");
    in.providers[{name, "baseURL"}] = ps.value("baseURL", "");
    std::vector<std::string> models;
    for (const auto& m : ps.value("models", api::Json::array())) {
      if (m.is_string()) models.push_back(m.get<std::string>());
    }
    in.providers[{name, "models"}] = Join(models, ",");
    in.providers[{name, "model"}] =
        ps.value("defaultModel", models.empty() ? std::string() : models.front());
    if (auto key_ref = ps.find("apiKeySecretRef"); key_ref != ps.end() && key_ref->is_object()) {
      std::string sname = key_ref->value("name", "");
      std::string skey = key_ref->value("key", "");
      load_secret(sname);
      if (auto it = in.secrets.find({sname, skey}); it != in.secrets.end()) {
        in.providers[{name, "apiKey"}] = it->second;
      }
    } else if (ps.value("type", "") == "vllm") {
      in.providers[{name, "apiKey"}] = "";  // a local vLLM needs no key
    }
  }

  for (const auto& [name, svc] : spec.services) {
    for (const ConfigFileSpec& f : svc.config_files) {
      if (f.render_format.empty()) continue;
      if (renderer_ == nullptr) {
        r.render_errors[name] =
            "configFile " + f.path + ": no renderer for format " + f.render_format;
        continue;
      }
      auto content = renderer_->Render(ref.ns, f);
      if (!content.ok()) {
        r.render_errors[name] = "configFile " + f.path + ": " + content.status().message();
        continue;
      }
      in.rendered_configs[{name, f.path}] = *content;
    }
  }
  return r;
}

}  // namespace berth::stack
