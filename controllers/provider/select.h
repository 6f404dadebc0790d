// Which Providers a Stack uses: the selection of a `render:` configFile and,
// per service, every Provider it consumes (env providerRef and rendered
// configFiles). Pure functions over the namespace's Provider objects.
#pragma once

#include <string>
#include <vector>

#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"

namespace berth::provider {

// The Providers `file` renders, from `providers` (one namespace's):
// render.providers by name in that order, then those matching
// render.providerSelector (every label equal) sorted by name; with neither,
// every Provider sorted by name. Named Providers that do not exist are left
// out (Missing() reports them).
std::vector<api::Object> SelectProviders(const stack::ConfigFileSpec& file,
                                         const std::vector<api::Object>& providers);
// Names in render.providers that are not among `providers`.
std::vector<std::string> MissingProviders(const stack::ConfigFileSpec& file,
                                          const std::vector<api::Object>& providers);

// One use of a Provider by a Stack service.
struct Consumption {
  std::string service;
  std::string provider;
  std::string field;  // "spec.services.<s>.env.<NAME>" or "...configFiles[i].render"
};
// Every use of every Provider by `spec`'s services (env providerRef counts
// even when the Provider does not exist yet).
std::vector<Consumption> ConsumedProviders(const stack::StackSpec& spec,
                                           const std::vector<api::Object>& providers);

}  // namespace berth::provider
