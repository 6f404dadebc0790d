#include "controllers/provider/select.h"

#include <algorithm>
#include <set>

namespace berth::provider {
namespace {

bool Matches(const std::map<std::string, std::string>& selector, const api::Object& p) {
  auto labels = p.labels();
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

std::vector<const api::Object*> ByName(const std::vector<api::Object>& providers) {
  std::vector<const api::Object*> out;
  for (const api::Object& p : providers) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](const api::Object* a, const api::Object* b) { return a->name() < b->name(); });
  return out;
}

}  // namespace

std::vector<api::Object> SelectProviders(const stack::ConfigFileSpec& file,
                                         const std::vector<api::Object>& providers) {
  std::vector<api::Object> out;
  std::set<std::string> taken;
  for (const std::string& name : file.render_providers) {
    for (const api::Object& p : providers) {
      if (p.name() == name && taken.insert(name).second) out.push_back(p);
    }
  }
  bool all = file.render_providers.empty() && file.render_selector.empty();
  if (all || !file.render_selector.empty()) {
    for (const api::Object* p : ByName(providers)) {
      if ((all || Matches(file.render_selector, *p)) && taken.insert(p->name()).second) {
        out.push_back(*p);
      }
    }
  }
  return out;
}

std::vector<std::string> MissingProviders(const stack::ConfigFileSpec& file,
                                          const std::vector<api::Object>& providers) {
  std::vector<std::string> missing;
  for (const std::string& name : file.render_providers) {
    bool found = std::any_of(providers.begin(), providers.end(),
                             [&](const api::Object& p) { return p.name() == name; });
    if (!found) missing.push_back(name);
  }
  return missing;
}

std::vector<Consumption> ConsumedProviders(const stack::StackSpec& spec,
                                           const std::vector<api::Object>& providers) {
  std::vector<Consumption> out;
  for (const auto& [name, svc] : spec.services) {
    std::string base = "spec.services." + name;
    for (const auto& [env, src] : svc.env) {
      if (src.type == stack::EnvSource::Type::kProvider) {
        out.push_back({name, src.ref_name, base + ".env." + env});
      }
    }
    for (size_t i = 0; i < svc.config_files.size(); ++i) {
      const stack::ConfigFileSpec& f = svc.config_files[i];
      if (f.render_format.empty()) continue;
      std::string field = base + ".configFiles[" + std::to_string(i) + "].render";
      for (const api::Object& p : SelectProviders(f, providers)) {
        out.push_back({name, p.name(), field});
      }
    }
  }
  return out;
}

}  // namespace berth::provider
