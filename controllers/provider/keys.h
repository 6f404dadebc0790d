// Reading a Provider's API key: the Secret its spec.apiKeySecretRef names,
// in the Provider's namespace, decoded. Reads through the registry; the key
// is returned to the caller only and never logged. Thread-safe.
#pragma once

#include <string>

#include "operator/api/object.h"
#include "operator/common/result.h"
#include "operator/registry/registry.h"

namespace berth::provider {

struct ProviderKey {
  std::string value;    // "" for a Provider without apiKeySecretRef (vllm)
  std::string version;  // "<secret uid>/<generation>", "" without a Secret
};

// NotFound naming the Secret (and key) when it or the key is missing;
// Invalid when the value is not base64. Messages never contain values.
Result<ProviderKey> ResolveApiKey(registry::Registry& registry, const api::Object& provider);

// "<uid>/<generation>" of an object: what a rendering's version is made of.
std::string ObjectVersion(const api::Object& obj);

}  // namespace berth::provider
