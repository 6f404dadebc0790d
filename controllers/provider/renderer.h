// ProviderConfigRenderer: the Stack controller's ConfigRenderer for
// `configFiles[].render` (formats uni-api and instance-config, render.h),
// reading the Providers of the Stack's namespace and their key Secrets
// through the registry. The content holds API keys: the Stack controller
// writes it under its secrets dir and never logs it. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "controllers/provider/keys.h"
#include "controllers/stack/reconciler.h"

namespace berth::provider {

// How a rendering gets a Provider's key (the registry in production; the
// preview substitutes a proposed Secret).
using KeyLookup = std::function<Result<ProviderKey>(const api::Object& provider)>;

// Renders `file` from `providers` (one namespace's, as stored or proposed).
// Appends every key it used to `used_keys` (for redaction) when given.
// Invalid when nothing is selected or a named Provider is missing; the
// lookup's error when a key cannot be read. Messages never hold keys.
Result<std::string> RenderConfigFile(const stack::ConfigFileSpec& file,
                                     const std::vector<api::Object>& providers,
                                     const KeyLookup& keys,
                                     std::vector<std::string>* used_keys = nullptr);

// "name=<uid>/<generation>[+<secret uid>/<generation>]" of every selected
// Provider, in selection order, joined by ','.
std::string RenderVersion(const stack::ConfigFileSpec& file,
                          const std::vector<api::Object>& providers, const KeyLookup& keys);

class ProviderConfigRenderer final : public stack::ConfigRenderer {
 public:
  explicit ProviderConfigRenderer(registry::Registry& registry) : registry_(registry) {}

  Result<std::string> Render(const std::string& ns, const stack::ConfigFileSpec& file) override;
  std::string Version(const std::string& ns, const stack::ConfigFileSpec& file) override;

 private:
  registry::Registry& registry_;
};

}  // namespace berth::provider
