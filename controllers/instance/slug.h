// Slugs and names of Instances: the DNS label in an Instance's host name, the
// default made from the user, and the object name the provisioning API gives
// a user's Instance. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "operator/common/result.h"

namespace berth::instance {

inline constexpr size_t kMaxSlug = 63;

// OK for a DNS label (1-63 of [a-z0-9-], alphanumeric at both ends).
// Otherwise Invalid with one cause on `field` per problem, each saying what
// is wrong in words: dots (also ".."), slashes, spaces and line breaks,
// quotes, braces, semicolons, upper case, other characters, length, a '-' at
// either end.
Status ValidateSlug(std::string_view slug, const std::string& field = "spec.slug");

// The slug for a user without one: lower-cased, every run of characters other
// than [a-z0-9] replaced by one '-', '-' trimmed from both ends, cut to 63.
// Invalid (on spec.slug) when nothing valid remains.
Result<std::string> DefaultSlug(std::string_view user);

// The default slug for `user` when DefaultSlug's `base` is already taken by
// another user's Instance (bob.smith, bob_smith and bob+smith all make
// "bob-smith"): `base`, cut so the whole stays a DNS label of at most 63
// characters, plus '-' and the first `digits` (1-16) hex digits of
// UserHash(user). The same user and base give the same slug every time.
std::string SlugWithUserHash(std::string_view base, std::string_view user, size_t digits = 6);

// The Instance name the provisioning API uses for `user`: its default slug
// (cut to 40 characters) plus '-' and 10 hex digits of the user's SHA-256,
// or "user-<hex>" when the user has no letters or digits. A DNS label, the
// same for the same user every time, different for different users.
std::string InstanceNameForUser(std::string_view user);

// 16 hex digits of the user's SHA-256: the berth.dev/user-hash label value,
// for finding a user's Instance with a label selector.
std::string UserHash(std::string_view user);

}  // namespace berth::instance
