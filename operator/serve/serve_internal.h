// Pieces of `berth serve` exposed for tests. Not an API for other layers.
#pragma once

#include <string>

#include "operator/apiserver/auth.h"
#include "operator/apiserver/server.h"
#include "operator/common/filesystem.h"
#include "operator/common/result.h"
#include "operator/registry/registry.h"
#include "operator/serve/options.h"

namespace berth::serve {

// The store URL serve opens: --store, or sqlite://<data_dir>/berth.db.
std::string StoreUrlFor(const Options& options, const std::string& data_dir);

// On first start (no token in the store) creates the "admin" token and writes
// it to <data_dir>/admin.token with mode 0600; only its hash is stored.
// Returns whether it did. If the file cannot be written the token is removed
// again and the error returned.
Result<bool> EnsureAdminToken(apiserver::TokenStore& tokens, FileSystem& fs,
                              const std::string& data_dir);

// Where the lead wires the controllers (empty for now); called before the
// API server starts. StopControllers is its counterpart at shutdown.
Status StartControllers(registry::Registry& registry, apiserver::Server& server,
                        const Options& options);
void StopControllers();

}  // namespace berth::serve
