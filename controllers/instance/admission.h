// InstanceAdmission: checks and defaults an Instance at create/update time.
//
// - spec.slug: a DNS label (ValidateSlug names each problem on spec.slug);
//   immutable once set; unique among the namespace's Instances (it names the
//   route and the data directory): a slug that is taken is Invalid
//   (FieldValueDuplicate on spec.slug). When absent it is defaulted from
//   spec.user (DefaultSlug; refused when nothing valid remains); if another
//   user's Instance has that default, the user's own hashed variant
//   (SlugWithUserHash: "bob-smith-1a2b3c", longer hashes if even that is
//   taken), so that bob.smith and bob_smith can both be provisioned.
// - spec.template: the Stack must exist, have a router and the named
//   instanceTemplates entry (checked on create and when the template changes).
// - spec.provider: a Provider whose baseURL points back at this Instance
//   itself (InstanceSelf: its container, its slug, loopback, its router
//   host) is refused on spec.provider (checked when the provider or the
//   template changes; ProviderAdmission checks the other direction).
// - kept data: a slug whose host directory holds another user's kept data
//   (data_owner.h) is not given to a new Instance; a defaulted slug prefers
//   the variant holding the user's own, so a returning user finds it again.
// - quota: at most QuotaFor(ns) Instances in the namespace (0: no limit);
//   over it, Forbidden "exceeded quota", as Kubernetes' ResourceQuota answers.
// - sets the label berth.dev/user-hash and the annotation berth.dev/user, so
//   a user's Instance can be found by label selector.
// The quota and slug checks count the namespace's Instances; CreateFences
// makes the registry write every create with the fence key of its namespace,
// so concurrent creates (any API, any number of servers on one store) are
// checked one after another and never overshoot or share a slug.
// Reads through the registry; never writes. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "operator/common/filesystem.h"
#include "operator/common/result.h"
#include "operator/registry/registry.h"

namespace berth::instance {

inline constexpr const char* kUserHashLabel = "berth.dev/user-hash";
inline constexpr const char* kUserAnnotation = "berth.dev/user";
// The store key the registry bumps with every Instance create in <ns>.
inline constexpr const char* kInstanceFencePrefix = "/berth/fences/instances/";

struct AdmissionOptions {
  int quota = 0;  // Instances of a namespace without an override; 0: unlimited
  std::map<std::string, int> namespace_quotas{};  // namespace -> its limit (0: unlimited)
  // The limit of `ns`: its override, else `quota`.
  int QuotaFor(const std::string& ns) const;
  // The Instances' host directories (DirsFor) and how to read them: a
  // defaulted slug prefers the variant holding the user's own kept data and
  // skips one holding another user's; an explicit slug holding another
  // user's kept data is refused. Null fs: not checked here (a server without
  // the data dir); the reconciler refuses to mount such a directory anyway.
  std::string data_dir{};
  const FileSystem* fs = nullptr;
};

class InstanceAdmission : public registry::Admission {
 public:
  InstanceAdmission(registry::Registry& registry, AdmissionOptions options)
      : registry_(registry), opts_(std::move(options)) {}
  Status Admit(registry::Operation op, api::Object& obj, const api::Object* old) override;
  std::vector<std::string> CreateFences(const api::Object& obj) override;

 private:
  Status CheckTemplate(const api::Object& obj);

  registry::Registry& registry_;
  AdmissionOptions opts_;
};

}  // namespace berth::instance
