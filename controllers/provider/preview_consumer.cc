// The rendered-change preview of a Stack or Instance manifest: what changing
// which Providers it uses (render.providers / providerSelector, providerRef
// env, spec.provider) does to the files berth renders for it.
#include <algorithm>
#include <set>

#include "controllers/provider/keys.h"
#include "controllers/provider/preview_internal.h"
#include "controllers/provider/render.h"

namespace berth::provider::internal {
namespace {

using api::Json;

// config.json of `provider_name` as an Instance would get it ("" without one).
std::string InstanceConfigText(const std::string& provider_name,
                               const std::vector<api::Object>& providers, const KeyLookup& keys,
                               std::vector<std::string>* used) {
  if (provider_name.empty()) return "";
  auto p = std::find_if(providers.begin(), providers.end(),
                        [&](const api::Object& o) { return o.name() == provider_name; });
  if (p == providers.end()) {
    return "# cannot render: Provider \"" + provider_name + "\" does not exist\n";
  }
  auto key = keys(*p);
  if (!key.ok()) return Rendered(key.status());
  if (!key->value.empty()) used->push_back(key->value);
  return Rendered(RenderInstanceConfig(*p, key->value));
}

// The services of a Stack spec ({} when it does not parse or is absent).
std::map<std::string, stack::ServiceSpec> ServicesOf(const Json* spec) {
  if (spec == nullptr) return {};
  auto parsed = stack::ParseStackSpec(*spec);
  if (!parsed.ok()) return {};
  return parsed->services;
}

bool HasProviderEnv(const stack::ServiceSpec* svc) {
  return svc != nullptr && std::any_of(svc->env.begin(), svc->env.end(), [](const auto& e) {
           return e.second.type == stack::EnvSource::Type::kProvider;
         });
}

}  // namespace

Result<std::vector<PreviewItem>> PreviewConsumerChange(registry::Registry& registry,
                                                       const api::Object& proposed) {
  std::string ns = proposed.ns().empty() ? std::string(api::kDefaultNamespace) : proposed.ns();
  auto stored = registry.Get(proposed.kind(), ns, proposed.name());
  if (!stored.ok() && stored.status().code() != Code::kNotFound) return stored.status();
  const api::Object* live = stored.ok() ? &*stored : nullptr;
  BERTH_ASSIGN_OR_RETURN(registry::ObjectList providers, registry.List("Provider", ns));
  KeyLookup keys = [&registry](const api::Object& p) { return ResolveApiKey(registry, p); };
  std::vector<std::string> used;  // every key either side used: redacted everywhere
  std::vector<PreviewItem> items;
  std::string consumer = api::ObjectRef{proposed.kind(), ns, proposed.name()}.ToString();

  if (proposed.kind() == "Instance") {
    auto provider_of = [](const api::Object* o) {
      return o != nullptr && o->spec().is_object() ? o->spec().value("provider", "") : "";
    };
    PreviewItem item{consumer, "", "config.json", "", ""};
    item.before = InstanceConfigText(provider_of(live), providers.items, keys, &used);
    item.after = InstanceConfigText(provider_of(&proposed), providers.items, keys, &used);
    if (item.before != item.after) items.push_back(std::move(item));
  } else {
    auto before = ServicesOf(live ? &live->spec() : nullptr);
    auto after = ServicesOf(&proposed.spec());
    std::set<std::string> names;
    for (const auto* side : {&before, &after}) {
      for (const auto& [name, svc] : *side) names.insert(name);
    }
    for (const std::string& name : names) {
      const stack::ServiceSpec* b = before.count(name) ? &before.at(name) : nullptr;
      const stack::ServiceSpec* a = after.count(name) ? &after.at(name) : nullptr;
      // Rendered files by container path, either side.
      std::map<std::string, std::pair<const stack::ConfigFileSpec*, const stack::ConfigFileSpec*>>
          files;
      if (b) {
        for (const stack::ConfigFileSpec& f : b->config_files) {
          if (!f.render_format.empty()) files[f.path].first = &f;
        }
      }
      if (a) {
        for (const stack::ConfigFileSpec& f : a->config_files) {
          if (!f.render_format.empty()) files[f.path].second = &f;
        }
      }
      auto render = [&](const stack::ConfigFileSpec* f) {
        return f ? Rendered(RenderConfigFile(*f, providers.items, keys, &used)) : std::string();
      };
      for (const auto& [path, pair] : files) {
        PreviewItem item{consumer, name, path, render(pair.first), render(pair.second)};
        if (item.before != item.after) items.push_back(std::move(item));
      }
      if (HasProviderEnv(b) || HasProviderEnv(a)) {
        PreviewItem item{consumer, name, "env", "", ""};
        if (b) item.before = EnvText(*b, providers.items, keys, &used);
        if (a) item.after = EnvText(*a, providers.items, keys, &used);
        if (item.before != item.after) items.push_back(std::move(item));
      }
    }
  }

  for (PreviewItem& item : items) {
    item.before = RedactSecrets(item.before, used);
    item.after = RedactSecrets(item.after, used);
  }
  std::sort(items.begin(), items.end(),
            [](const PreviewItem& x, const PreviewItem& y) { return x.Label() < y.Label(); });
  return items;
}

}  // namespace berth::provider::internal
