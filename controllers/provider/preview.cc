#include "controllers/provider/preview.h"

#include <algorithm>
#include <set>

#include "controllers/provider/keys.h"
#include "controllers/provider/preview_internal.h"
#include "controllers/provider/render.h"
#include "controllers/provider/renderer.h"
#include "controllers/provider/select.h"
#include "operator/common/strings.h"

namespace berth::provider {
namespace {

using api::Json;

// The namespace's Providers and key lookup, as stored or with `proposed`.
struct World {
  std::vector<api::Object> providers;
  KeyLookup keys;
};

std::string SecretNameOf(const api::Object& provider) {
  const Json& spec = provider.spec();
  if (!spec.is_object() || !spec.contains("apiKeySecretRef")) return "";
  return spec["apiKeySecretRef"].value("name", "");
}

// Decodes the key `provider` needs from `secret` (a proposed Secret).
Result<ProviderKey> KeyFromSecret(const api::Object& provider, const api::Object& secret) {
  std::string key = provider.spec()["apiKeySecretRef"].value("key", "");
  const Json& data = secret.json().value("data", Json::object());
  std::string value;
  if (data.is_object() && data.contains(key) && data[key].is_string() &&
      Base64Decode(data[key].get<std::string>(), &value)) {
    return ProviderKey{value, ObjectVersion(secret)};
  }
  const Json& sdata = secret.json().value("stringData", Json::object());
  if (sdata.is_object() && sdata.contains(key) && sdata[key].is_string()) {
    return ProviderKey{sdata[key].get<std::string>(), ObjectVersion(secret)};
  }
  return Status::NotFound("Provider \"" + provider.name() + "\": Secret \"" + secret.name() +
                          "\" has no key \"" + key + "\"");
}

}  // namespace

namespace internal {

std::string Rendered(const Result<std::string>& r) {
  return r.ok() ? *r : "# cannot render: " + r.status().message() + "\n";
}

// The providerRef env values of `svc` naming `names`, one "NAME=value" line each.
std::string EnvText(const stack::ServiceSpec& svc, const std::vector<api::Object>& providers,
                    const KeyLookup& keys, std::vector<std::string>* used) {
  std::string out;
  for (const auto& [env, src] : svc.env) {
    if (src.type != stack::EnvSource::Type::kProvider) continue;
    // Not `src` itself: clang before 16 cannot capture a structured binding.
    const std::string& ref_name = src.ref_name;
    auto p = std::find_if(providers.begin(), providers.end(),
                          [&](const api::Object& o) { return o.name() == ref_name; });
    std::string value;
    if (p == providers.end()) {
      value = "<Provider " + src.ref_name + " does not exist>";
    } else if (src.ref_key == "apiKey") {
      auto k = keys(*p);
      value = k.ok() ? k->value : "<" + k.status().message() + ">";
      if (k.ok() && !k->value.empty()) used->push_back(k->value);
    } else if (src.ref_key == "models") {
      std::vector<std::string> models;
      for (const Json& m : p->spec().value("models", Json::array())) {
        if (m.is_string()) models.push_back(m.get<std::string>());
      }
      value = Join(models, ",");
    } else if (src.ref_key == "model") {
      const Json& ms = p->spec().value("models", Json::array());
      value = p->spec().value("defaultModel", ms.is_array() && !ms.empty() && ms[0].is_string()
                                                  ? ms[0].get<std::string>()
                                                  : "");
    } else {
      value = p->spec().value(src.ref_key, "");
    }
    std::string name = src.as_file ? env + "_FILE content" : env;
    out += name + "=" + value + "\n";
  }
  return out;
}

}  // namespace internal

std::string PreviewItem::Label() const {
  api::ObjectRef ref;
  api::ObjectRef::Parse(consumer, &ref);
  if (ref.kind == "Instance") return "rendered/" + ref.ns + "/instance/" + ref.name + "/" + path;
  std::string p = path.empty() || path.front() == '/' ? path : "/" + path;
  return "rendered/" + ref.ns + "/" + ref.name + "/" + service + p;
}

Result<std::vector<PreviewItem>> PreviewChange(registry::Registry& registry,
                                               const api::Object& proposed) {
  std::string ns = proposed.ns().empty() ? std::string(api::kDefaultNamespace) : proposed.ns();
  if (proposed.kind() == "Instance" || proposed.kind() == "Stack") {
    return internal::PreviewConsumerChange(registry, proposed);
  }
  bool is_provider = proposed.kind() == "Provider";
  if (!is_provider && proposed.kind() != "Secret") {
    return Status::BadRequest(
        "only Providers, Secrets, Stacks and Instances have a rendered preview");
  }
  BERTH_ASSIGN_OR_RETURN(registry::ObjectList stored, registry.List("Provider", ns));
  KeyLookup stored_keys = [&registry](const api::Object& p) { return ResolveApiKey(registry, p); };
  World before{stored.items, stored_keys};
  World after{{}, stored_keys};
  bool replaced = false;
  for (const api::Object& p : stored.items) {
    if (is_provider && p.name() == proposed.name()) {
      after.providers.push_back(proposed);
      replaced = true;
    } else {
      after.providers.push_back(p);
    }
  }
  if (is_provider && !replaced) after.providers.push_back(proposed);
  if (!is_provider) {
    after.keys = [&registry, &proposed](const api::Object& p) -> Result<ProviderKey> {
      if (SecretNameOf(p) == proposed.name()) return KeyFromSecret(p, proposed);
      return ResolveApiKey(registry, p);
    };
  }
  auto touched = [&](const api::Object& p) {
    return is_provider ? p.name() == proposed.name() : SecretNameOf(p) == proposed.name();
  };
  auto any_touched = [&](const std::vector<api::Object>& ps) {
    return std::any_of(ps.begin(), ps.end(), touched);
  };
  auto touched_name = [&](const std::string& name) {
    for (const auto* w : {&before, &after}) {
      for (const api::Object& p : w->providers) {
        if (p.name() == name && touched(p)) return true;
      }
    }
    return false;
  };

  std::vector<PreviewItem> items;
  std::vector<std::string> keys;  // every key either side used: redacted everywhere
  BERTH_ASSIGN_OR_RETURN(registry::ObjectList stacks, registry.List("Stack", ns));
  for (const api::Object& st : stacks.items) {
    if (st.being_deleted()) continue;
    auto spec = stack::ParseStackSpec(st.spec());
    if (!spec.ok()) continue;
    std::string consumer = st.ref().ToString();
    for (const auto& [name, svc] : spec->services) {
      for (const stack::ConfigFileSpec& f : svc.config_files) {
        if (f.render_format.empty()) continue;
        if (!any_touched(SelectProviders(f, before.providers)) &&
            !any_touched(SelectProviders(f, after.providers))) {
          continue;
        }
        PreviewItem item{consumer, name, f.path, "", ""};
        item.before = internal::Rendered(RenderConfigFile(f, before.providers, before.keys, &keys));
        item.after = internal::Rendered(RenderConfigFile(f, after.providers, after.keys, &keys));
        items.push_back(std::move(item));
      }
      bool env_touched = std::any_of(svc.env.begin(), svc.env.end(), [&](const auto& e) {
        return e.second.type == stack::EnvSource::Type::kProvider &&
               touched_name(e.second.ref_name);
      });
      if (env_touched) {
        PreviewItem item{consumer, name, "env", "", ""};
        item.before = internal::EnvText(svc, before.providers, before.keys, &keys);
        item.after = internal::EnvText(svc, after.providers, after.keys, &keys);
        items.push_back(std::move(item));
      }
    }
  }

  auto instances = registry.List("Instance", ns);
  if (instances.ok()) {
    for (const api::Object& inst : instances->items) {
      std::string pname = inst.spec().is_object() ? inst.spec().value("provider", "") : "";
      if (pname.empty() || !touched_name(pname)) continue;
      PreviewItem item{inst.ref().ToString(), "", "config.json", "", ""};
      for (auto [w, out] : {std::pair{&before, &item.before}, std::pair{&after, &item.after}}) {
        auto p = std::find_if(w->providers.begin(), w->providers.end(),
                              [&](const api::Object& o) { return o.name() == pname; });
        if (p == w->providers.end()) {
          *out = "# cannot render: Provider \"" + pname + "\" does not exist\n";
          continue;
        }
        auto key = w->keys(*p);
        if (!key.ok()) {
          *out = internal::Rendered(key.status());
          continue;
        }
        if (!key->value.empty()) keys.push_back(key->value);
        *out = internal::Rendered(RenderInstanceConfig(*p, key->value));
      }
      items.push_back(std::move(item));
    }
  }

  for (PreviewItem& item : items) {
    item.before = RedactSecrets(item.before, keys);
    item.after = RedactSecrets(item.after, keys);
  }
  std::sort(items.begin(), items.end(),
            [](const PreviewItem& a, const PreviewItem& b) { return a.Label() < b.Label(); });
  return items;
}

}  // namespace berth::provider
