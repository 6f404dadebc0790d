// Scalars of the YAML 1.2 core schema, shared by the YAML reader and writer
// of the api layer (codec.h is the public face).
#pragma once

#include <string>
#include <string_view>

#include "operator/api/object.h"

namespace berth::api {

// The value a plain (unquoted) scalar stands for: null ("", "~", "null"),
// bool ("true", "False"; not "yes" or "on"), int (decimal, 0o, 0x; beyond
// int64 the text is kept), float (beyond a double's range, ".inf" and ".nan"
// the text is kept: JSON has neither), otherwise the string itself.
Json ResolvePlain(const std::string& s);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), which Json strings must be.
bool IsUtf8(std::string_view s);

}  // namespace berth::api
