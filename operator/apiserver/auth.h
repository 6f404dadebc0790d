// Authentication and authorization of API callers.
//
// Callers present `Authorization: Bearer <token>`. Tokens are 32 random bytes,
// hex, prefixed "berth_". Only their SHA-256 is stored, in the Store under
// /berth/tokens/<name> (not a resource: no API reads it as an object). Each
// token carries one role:
//   admin       everything, including token management and revealing Secrets
//   editor      read and write berth resources; Secrets read redacted
//   viewer      read berth resources; Secrets read redacted
//   provisioner only routes registered for it (the provisioning API)
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/clock.h"
#include "operator/common/result.h"
#include "operator/store/store.h"

namespace berth::apiserver {

enum class Role { kAdmin, kEditor, kViewer, kProvisioner };

std::string_view RoleName(Role role);
// Parses "admin", "editor", "viewer" or "provisioner"; BadRequest otherwise.
Result<Role> ParseRole(std::string_view name);

using RoleSet = std::set<Role>;

struct User {
  std::string name;  // the token's name; "" when unauthenticated
  Role role = Role::kViewer;
};

struct TokenInfo {
  std::string name;
  Role role = Role::kViewer;
  std::string created;  // RFC 3339
};

inline constexpr std::string_view kTokenPrefix = "/berth/tokens/";

// Token records in the store. Thread-safe (the Store is).
class TokenStore {
 public:
  explicit TokenStore(store::Store& store, Clock& clock = RealClock());

  // Creates a token named `name` (a DNS-1123 label) with `role` and returns
  // its plaintext, which is never stored and cannot be read again.
  // AlreadyExists when the name is taken; Invalid for a bad name.
  Result<std::string> Create(std::string_view name, Role role);
  // Every token, by name; never the secret or its hash.
  Result<std::vector<TokenInfo>> List();
  // NotFound when no token has that name.
  Status Delete(std::string_view name);
  // The user a presented token belongs to; Unauthorized when it matches none.
  Result<User> Authenticate(std::string_view token);
  // True when no token exists yet (first start).
  Result<bool> Empty();

 private:
  store::Store& store_;
  Clock& clock_;
};

}  // namespace berth::apiserver
