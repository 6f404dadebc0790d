// A minimal ustar writer: enough to hand files to PUT /containers/{id}/archive.
#pragma once

#include <string>
#include <vector>

#include "operator/common/result.h"
#include "operator/docker/types.h"

namespace berth::docker {

// Returns the tar stream of `entries` (regular files and directories, with
// mode/uid/gid, mtime 0). BadRequest for an absolute path, a ".." component, or
// a path that does not fit the ustar name+prefix fields. Pure; thread-safe.
Result<std::string> WriteTar(const std::vector<ArchiveEntry>& entries);

}  // namespace berth::docker
