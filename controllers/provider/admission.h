// Apply-time checks for Providers, and for Stacks against the Providers they
// use. Both read through the registry and never write. Thread-safe.
//
// ProviderAdmission (kind Provider):
//  - spec.apiKeySecretRef is required unless spec.type is vllm;
//  - spec.defaultModel, when set and spec.models is not empty, is one of them;
//  - spec.baseURL must not point back at a Stack service that consumes this
//    Provider (env providerRef, or a configFiles render selecting it): a
//    gateway whose upstream is itself loops every request. Same names and
//    ports as the Stack's own loop check (stack::ServiceSelfAddress: its
//    names, loopback forms, host.docker.internal on its published ports);
//  - nor at an Instance that consumes it (spec.provider names it, or it is
//    owned by the Instance, as the provisioning API's Providers are): its
//    container name or slug on the template's port, loopback on that port,
//    or its router host <slug>.<baseDomain> (instance::InstanceSelf).
// Causes are on spec.baseURL.
// StackProviderAdmission (kind Stack): the same loop rule seen from the
// Stack: a service consuming a Provider whose baseURL points back at it is
// refused, with the cause on the reference (env or configFiles[i].render).
#pragma once

#include "operator/registry/registry.h"

namespace berth::provider {

class ProviderAdmission final : public registry::Admission {
 public:
  explicit ProviderAdmission(registry::Registry& registry) : registry_(registry) {}
  Status Admit(registry::Operation op, api::Object& obj, const api::Object* old) override;

 private:
  registry::Registry& registry_;
};

class StackProviderAdmission final : public registry::Admission {
 public:
  explicit StackProviderAdmission(registry::Registry& registry) : registry_(registry) {}
  Status Admit(registry::Operation op, api::Object& obj, const api::Object* old) override;

 private:
  registry::Registry& registry_;
};

}  // namespace berth::provider
