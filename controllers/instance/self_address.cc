#include "controllers/instance/self_address.h"

#include "controllers/instance/naming.h"
#include "operator/common/strings.h"

namespace berth::instance {

stack::SelfAddress InstanceSelfAddress(const std::string& ns, const std::string& slug,
                                       const InstanceTemplate& tmpl,
                                       const stack::RouterSpec& router) {
  stack::SelfAddress self;
  self.names = {ToLower(ContainerName(ns, slug)), ToLower(slug)};
  if (tmpl.port > 0) self.ports.insert(tmpl.port);
  if (!router.base_domain.empty()) self.routed_names.insert(ToLower(Host(slug, router)));
  return self;
}

std::optional<stack::SelfAddress> InstanceSelf(registry::Registry& registry,
                                               const api::Object& inst) {
  const api::Json& spec = inst.spec();
  if (!spec.is_object()) return std::nullopt;
  std::string slug = spec.value("slug", "");
  const api::Json& t = spec.value("template", api::Json::object());
  if (slug.empty() || !t.is_object()) return std::nullopt;
  auto stack = registry.Get("Stack", inst.ns(), t.value("stack", ""));
  if (!stack.ok()) return std::nullopt;
  auto parsed = stack::ParseStackSpec(stack->spec());
  if (!parsed.ok() || !parsed->router) return std::nullopt;
  auto tmpl = ParseTemplate(*parsed, t.value("name", ""));
  if (!tmpl.ok()) return std::nullopt;
  return InstanceSelfAddress(inst.ns(), slug, *tmpl, *parsed->router);
}

std::string InstanceLoopMessage(const stack::SelfAddress& self, const api::Object& inst,
                                const std::string& provider, const std::string& base_url) {
  std::string hit = stack::FindSelfLoop(self, base_url);
  if (hit.empty()) return "";
  return "Invalid value: Provider \"" + provider + "\" has baseURL " + base_url +
         ", which points back at Instance " + inst.ns() + "/" + inst.name() + " itself (" + hit +
         ") that consumes it: every model request would loop back into the Instance";
}

}  // namespace berth::instance
