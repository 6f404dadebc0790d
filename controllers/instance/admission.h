// InstanceAdmission: checks and defaults an Instance at create/update time.
//
// - spec.slug: a DNS label (ValidateSlug names each problem on spec.slug);
//   defaulted from spec.user when absent (DefaultSlug; refused when nothing
//   valid remains); immutable once set; unique among the namespace's
//   Instances (it names the route and the data directory).
// - spec.template: the Stack must exist, have a router and the named
//   instanceTemplates entry (checked on create and when the template changes).
// - quota: at most `quota` Instances per namespace (0: no limit); over it,
//   Forbidden "exceeded quota", as Kubernetes' ResourceQuota answers.
// - sets the label berth.dev/user-hash and the annotation berth.dev/user, so
//   a user's Instance can be found by label selector.
// Reads through the registry; never writes. Thread-safe.
#pragma once

#include "operator/registry/registry.h"

namespace berth::instance {

inline constexpr const char* kUserHashLabel = "berth.dev/user-hash";
inline constexpr const char* kUserAnnotation = "berth.dev/user";

struct AdmissionOptions {
  int quota = 0;  // Instances per namespace; 0: unlimited
};

class InstanceAdmission : public registry::Admission {
 public:
  InstanceAdmission(registry::Registry& registry, AdmissionOptions options)
      : registry_(registry), opts_(options) {}
  Status Admit(registry::Operation op, api::Object& obj, const api::Object* old) override;

 private:
  Status CheckTemplate(const api::Object& obj);

  registry::Registry& registry_;
  AdmissionOptions opts_;
};

}  // namespace berth::instance
