// Key-range helpers shared by the SQL statements. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace berth::store::sql {

// The smallest key greater than every key that starts with `prefix`, in byte
// order, or "" when there is none (empty prefix, or only U+10FFFF / 0xFF
// bytes). When `prefix` is valid UTF-8 the bound is too (PostgreSQL TEXT
// rejects anything else): the last code point is raised by one. Otherwise the
// last byte below 0xFF is.
std::string PrefixEnd(std::string_view prefix);

}  // namespace berth::store::sql
