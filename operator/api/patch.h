// Patches: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the
// three-way merge that lets a later apply remove a field dropped from a
// manifest. Pure functions.
#pragma once

#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::api {

// RFC 7386. `patch` must be an object (anything else replaces the target, as
// the RFC says, which for an API object is an error: Invalid).
Result<Json> ApplyMergePatch(const Json& target, const Json& patch);
// RFC 6902. A failing operation (a missing path, a failed "test") is Invalid
// naming the operation's index and path; a malformed patch is BadRequest.
Result<Json> ApplyJsonPatch(const Json& target, const Json& patch);
// The merge patch that turns `from` into `to` (null for removed keys; arrays
// replaced whole).
Json CreateMergePatch(const Json& from, const Json& to);
// The merge patch kubectl's client-side apply computes: changes from
// `original` (the last applied manifest) to `modified` (the new manifest)
// become deletions, and `modified`'s values that differ from `current` are
// set. Fields set by others (in `current` but never in `original`) survive.
// A `modified` that is not an object is returned as is (it replaces the
// target, which ApplyMergePatch refuses for an API object).
Json ThreeWayMergePatch(const Json& original, const Json& modified, const Json& current);

}  // namespace berth::api
