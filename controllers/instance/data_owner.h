// Who an Instance's host directory belongs to. Data is kept when an Instance
// is deprovisioned without purge, so a slug freed by one user can later be
// given to another; the directory <data_dir>/instances/<ns>/<slug> must then
// never be mounted into the newcomer's container. Each root holds a marker,
// .berth-owner, with UserHash(user) (never the user id itself).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "operator/common/filesystem.h"
#include "operator/common/result.h"

namespace berth::instance {

inline constexpr const char* kDataOwnerFile = ".berth-owner";

// The user hash recorded in `root`: nullopt when `root` does not exist, ""
// when it exists without a marker (a directory from before markers).
std::optional<std::string> ReadDataOwner(const FileSystem& fs, const std::string& root);

// Claims `root` for `user` before anything is written into or mounted from
// it: creates it (0700) with the marker, or writes the marker into a root
// that has none (adopting it). Invalid, naming neither user, when the marker
// names another user; other errors as the filesystem reports them.
Status ClaimDataDir(FileSystem& fs, const std::string& root, std::string_view user);

}  // namespace berth::instance
