// SecretAdmission: what berth does to every Secret written through the
// registry (create and update), besides the schema:
//  - stringData is folded into data (base64), replacing the same keys, and
//    dropped, as Kubernetes does: only data is stored;
//  - an immutable Secret (immutable: true) keeps its data and stays
//    immutable (Invalid on spec.data / immutable otherwise);
//  - kubectl's last-applied-configuration annotation (a copy of the manifest
//    kubectl sends, values included) is rewritten with value hashes, as
//    berth's own record is (registry::HashSecretValues).
// Error messages never contain values. Stateless; thread-safe.
#pragma once

#include "operator/registry/registry.h"
#include "operator/secrets/keyring.h"

namespace berth::secrets {

inline constexpr const char* kKubectlLastApplied =
    "kubectl.kubernetes.io/last-applied-configuration";

class SecretAdmission final : public registry::Admission {
 public:
  Status Admit(registry::Operation op, api::Object& obj, const api::Object* old) override;
};

// Makes `registry` seal Secrets with `keys` (AesGcmSealer) and run
// SecretAdmission on them. Call before the registry is shared.
void InstallSecrets(registry::Registry& registry, KeyRing keys);

}  // namespace berth::secrets
