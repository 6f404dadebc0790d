// Shared by berth's libFuzzer targets: invariant checks that abort (libFuzzer
// then saves the input as a crash artifact) and the framing of inputs that
// carry several JSON values. Header-only; every target includes it once.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"

namespace berth::fuzz {

// Prints which invariant broke, with the values involved, and aborts.
[[noreturn]] inline void Fail(const char* invariant, const std::string& detail) {
  std::fprintf(stderr, "\nberth fuzz: invariant broken: %s\n%s\n", invariant, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// JSON text for messages; never throws (invalid UTF-8 is replaced).
inline std::string Show(const api::Json& j) {
  std::string s = j.dump(-1, ' ', false, api::Json::error_handler_t::replace);
  return s.size() > 2000 ? s.substr(0, 2000) + "..." : s;
}

// The input as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `text` at lines that are exactly "---" (JSON text never contains
// one, since JSON strings cannot hold a raw newline), into at most
// `max_parts` parts; the last part keeps any further separators.
inline std::vector<std::string_view> SplitParts(std::string_view text, size_t max_parts) {
  std::vector<std::string_view> parts;
  constexpr std::string_view kSep = "\n---\n";
  while (parts.size() + 1 < max_parts) {
    size_t at = text.find(kSep);
    if (at == std::string_view::npos) break;
    parts.push_back(text.substr(0, at));
    text.remove_prefix(at + kSep.size());
  }
  parts.push_back(text);
  return parts;
}

// True when no object member anywhere in `j` (outside arrays, which merge
// patches replace whole) is null: the values a merge patch can produce.
inline bool NoNullMembers(const api::Json& j) {
  if (!j.is_object()) return true;
  for (const auto& [k, v] : j.items()) {
    if (v.is_null() || !NoNullMembers(v)) return false;
  }
  return true;
}

}  // namespace berth::fuzz

// Aborts with `detail` (a std::string expression) when `cond` is false.
#define BERTH_FUZZ_CHECK(cond, detail)                 \
  do {                                                 \
    if (!(cond)) ::berth::fuzz::Fail(#cond, (detail)); \
  } while (0)
