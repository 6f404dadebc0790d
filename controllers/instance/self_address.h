// Where an Instance reaches itself, for the loop check of the Provider it
// consumes (a Provider whose baseURL is the Instance itself would have it
// call itself for every model request): its container name and hostname (the
// slug) on the template's port, loopback on that port (from inside its own
// container), and its router host <slug>.<baseDomain> on any port.
#pragma once

#include <optional>
#include <string>

#include "controllers/instance/template.h"
#include "controllers/stack/validate.h"
#include "operator/registry/registry.h"

namespace berth::instance {

stack::SelfAddress InstanceSelfAddress(const std::string& ns, const std::string& slug,
                                       const InstanceTemplate& tmpl,
                                       const stack::RouterSpec& router);

// The self address of `inst` (as stored or being admitted: spec.slug set),
// reading its template's Stack through `registry`; nullopt when the slug,
// Stack, template or router cannot be resolved (reported elsewhere).
std::optional<stack::SelfAddress> InstanceSelf(registry::Registry& registry,
                                               const api::Object& inst);

// "Invalid value: ..." when `base_url` (of Provider `provider`) reaches
// `inst` itself, else "". For the cause on spec.baseURL or spec.provider.
std::string InstanceLoopMessage(const stack::SelfAddress& self, const api::Object& inst,
                                const std::string& provider, const std::string& base_url);

}  // namespace berth::instance
