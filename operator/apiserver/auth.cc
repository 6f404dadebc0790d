#include "operator/apiserver/auth.h"

#include <nlohmann/json.hpp>

#include "operator/api/meta.h"
#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::apiserver {
namespace {

using Json = nlohmann::json;

std::string Key(std::string_view name) {
  return std::string(kTokenPrefix) + std::string(name);
}

// Compares two equal-length hex digests without an early exit.
bool SameDigest(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned>(a[i] ^ b[i]);
  return diff == 0;
}

Result<TokenInfo> DecodeRecord(const store::Record& rec, std::string* hash) {
  Json j = Json::parse(rec.value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j["role"].is_string()) {
    return Status::Internal("token record " + rec.key + " is malformed");
  }
  TokenInfo info;
  info.name = rec.key.substr(kTokenPrefix.size());
  BERTH_ASSIGN_OR_RETURN(info.role, ParseRole(j["role"].get<std::string>()));
  info.created = j.value("created", "");
  if (hash != nullptr) *hash = j.value("sha256", "");
  return info;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kEditor: return "editor";
    case Role::kViewer: return "viewer";
    case Role::kProvisioner: return "provisioner";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kEditor, Role::kViewer, Role::kProvisioner}) {
    if (RoleName(r) == name) return r;
  }
  return Status::BadRequest("unknown role \"" + std::string(name) +
                            "\" (want admin, editor, viewer or provisioner)");
}

TokenStore::TokenStore(store::Store& store, Clock& clock) : store_(store), clock_(clock) {}

Result<std::string> TokenStore::Create(std::string_view name, Role role) {
  if (std::string why = api::CheckDnsLabel(name); !why.empty()) {
    return Status::Invalid("invalid token name \"" + std::string(name) + "\": " + why,
                           {{"name", why}});
  }
  std::string token = "berth_" + RandomHex(32);
  Json rec = {{"role", RoleName(role)},
              {"sha256", Sha256Hex(token)},
              {"created", FormatRfc3339(clock_.Now())}};
  auto res = store_.Create(Key(name), rec.dump());
  if (!res.ok()) {
    if (res.status().code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("token \"" + std::string(name) + "\" already exists");
    }
    return res.status();
  }
  return token;
}

Result<std::vector<TokenInfo>> TokenStore::List() {
  BERTH_ASSIGN_OR_RETURN(store::ListResult page, store_.List(kTokenPrefix, "", 0));
  std::vector<TokenInfo> out;
  for (const store::Record& rec : page.records) {
    BERTH_ASSIGN_OR_RETURN(TokenInfo info, DecodeRecord(rec, nullptr));
    out.push_back(std::move(info));
  }
  return out;
}

Status TokenStore::Delete(std::string_view name) {
  auto res = store_.Delete(Key(name), 0);
  if (!res.ok() && res.status().code() == Code::kNotFound) {
    return Status::NotFound("token \"" + std::string(name) + "\" not found");
  }
  return res.status();
}

Result<User> TokenStore::Authenticate(std::string_view token) {
  if (!StartsWith(token, "berth_")) return Status::Unauthorized("invalid bearer token");
  std::string digest = Sha256Hex(token);
  BERTH_ASSIGN_OR_RETURN(store::ListResult page, store_.List(kTokenPrefix, "", 0));
  for (const store::Record& rec : page.records) {
    std::string hash;
    auto info = DecodeRecord(rec, &hash);
    if (!info.ok()) continue;
    if (SameDigest(hash, digest)) return User{info->name, info->role};
  }
  return Status::Unauthorized("invalid bearer token");
}

Result<bool> TokenStore::Empty() {
  BERTH_ASSIGN_OR_RETURN(int64_t n, store_.Count(kTokenPrefix));
  return n == 0;
}

}  // namespace berth::apiserver
