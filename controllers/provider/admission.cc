#include "controllers/provider/admission.h"

#include <algorithm>
#include <set>

#include "controllers/instance/self_address.h"
#include "controllers/provider/select.h"
#include "controllers/stack/validate.h"

namespace berth::provider {
namespace {

std::string LoopMessage(const std::string& url_owner, const std::string& service,
                        const api::ObjectRef& stack, const std::string& hit,
                        const std::string& via) {
  return "Invalid value: " + url_owner + " points back at service \"" + service + "\" of Stack " +
         stack.ns + "/" + stack.name + " (" + hit + "), which consumes this Provider through " +
         via + ": requests would loop through the gateway";
}

}  // namespace

Status ProviderAdmission::Admit(registry::Operation op, api::Object& obj, const api::Object*) {
  if (op == registry::Operation::kDelete || obj.being_deleted()) return Status::Ok();
  const api::Json& spec = obj.spec();
  if (!spec.is_object()) return Status::Ok();  // the schema reports it
  std::vector<FieldCause> causes;
  std::string type = spec.value("type", "");
  if (type != "vllm" && !spec.contains("apiKeySecretRef")) {
    causes.push_back({"spec.apiKeySecretRef",
                      "Required value: a Provider of type " + type +
                          " needs the Secret key holding its API key (only vllm may go without)",
                      "FieldValueRequired"});
  }
  std::string def = spec.value("defaultModel", "");
  const api::Json& models = spec.value("models", api::Json::array());
  if (!def.empty() && models.is_array() && !models.empty() &&
      std::find(models.begin(), models.end(), api::Json(def)) == models.end()) {
    causes.push_back({"spec.defaultModel",
                      "Unsupported value: \"" + def + "\": must be one of spec.models",
                      "FieldValueNotSupported"});
  }

  std::string base_url = spec.value("baseURL", "");
  auto stacks = registry_.List("Stack", obj.ns());
  if (!stacks.ok()) return stacks.status().Prefixed("checking the Stacks that use this Provider");
  auto providers = registry_.List("Provider", obj.ns());
  if (!providers.ok()) return providers.status().Prefixed("listing Providers");
  std::vector<api::Object> current;  // the namespace's Providers with this one as written
  for (api::Object& p : providers->items) {
    if (p.name() != obj.name()) current.push_back(std::move(p));
  }
  current.push_back(obj);
  for (const api::Object& st : stacks->items) {
    if (st.being_deleted()) continue;
    auto parsed = stack::ParseStackSpec(st.spec());
    if (!parsed.ok()) continue;
    for (const Consumption& c : ConsumedProviders(*parsed, current)) {
      if (c.provider != obj.name()) continue;
      auto self = stack::ServiceSelfAddress(st.ref(), parsed->services.at(c.service));
      if (std::string hit = stack::FindSelfLoop(self, base_url); !hit.empty()) {
        causes.push_back(
            {"spec.baseURL", LoopMessage("baseURL", c.service, st.ref(), hit, c.field)});
      }
    }
  }
  // Instances: those whose spec.provider names it, and those that own it
  // (the provisioning API creates a user's Provider before pointing the
  // user's Instance at it).
  auto instances = registry_.List("Instance", obj.ns());
  if (!instances.ok()) {
    return instances.status().Prefixed("checking the Instances that use this Provider");
  }
  std::set<std::string> owners;
  const api::Json& refs = obj.metadata().value("ownerReferences", api::Json::array());
  for (const api::Json& r : refs.is_array() ? refs : api::Json::array()) {
    if (r.is_object() && r.value("kind", "") == "Instance") owners.insert(r.value("name", ""));
  }
  for (const api::Object& inst : instances->items) {
    if (inst.being_deleted() || !inst.spec().is_object()) continue;
    bool consumes = inst.spec().value("provider", "") == obj.name() || owners.count(inst.name());
    if (!consumes) continue;
    auto self = instance::InstanceSelf(registry_, inst);
    if (!self) continue;
    if (std::string why = instance::InstanceLoopMessage(*self, inst, obj.name(), base_url);
        !why.empty()) {
      causes.push_back({"spec.baseURL", why, "FieldValueInvalid"});
    }
  }
  if (causes.empty()) return Status::Ok();
  return Status::Invalid("Provider \"" + obj.name() + "\" is invalid", std::move(causes));
}

Status StackProviderAdmission::Admit(registry::Operation op, api::Object& obj, const api::Object*) {
  if (op == registry::Operation::kDelete || obj.being_deleted()) return Status::Ok();
  auto parsed = stack::ParseStackSpec(obj.spec());
  if (!parsed.ok()) return Status::Ok();  // StackAdmission reports it
  auto providers = registry_.List("Provider", obj.ns());
  if (!providers.ok()) return providers.status().Prefixed("checking the Providers it uses");
  api::ObjectRef ref{"Stack", obj.ns(), obj.name()};
  std::vector<FieldCause> causes;
  for (const Consumption& c : ConsumedProviders(*parsed, providers->items)) {
    auto p = std::find_if(providers->items.begin(), providers->items.end(),
                          [&](const api::Object& o) { return o.name() == c.provider; });
    if (p == providers->items.end()) continue;
    std::string base_url = p->spec().is_object() ? p->spec().value("baseURL", "") : "";
    auto self = stack::ServiceSelfAddress(ref, parsed->services.at(c.service));
    if (std::string hit = stack::FindSelfLoop(self, base_url); !hit.empty()) {
      causes.push_back({c.field, "Invalid value: Provider \"" + c.provider + "\" has baseURL " +
                                     base_url + ", which points back at service \"" + c.service +
                                     "\" itself (" + hit +
                                     "): requests would loop through the gateway"});
    }
  }
  if (causes.empty()) return Status::Ok();
  return Status::Invalid("Stack " + obj.name() + " is invalid", std::move(causes));
}

}  // namespace berth::provider
