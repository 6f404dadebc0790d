// Code points that YAML output must escape and yaml-cpp does not.
//
// - Unicode noncharacters (U+FDD0..U+FDEF and the last two code points of
//   each plane, U+FFFE, U+FFFF, U+1FFFE, ...): yaml-cpp's emitter replaces
//   them by U+FFFD in a quoted scalar, and YAML forbids U+FFFE and U+FFFF
//   unescaped.
// - DEL (U+007F) and the C1 controls (U+0080..U+009F), which YAML forbids
//   unescaped, and the line breaks other than LF — CR, NEL (U+0085), U+2028
//   and U+2029 — which a reader folds or splits on: yaml-cpp writes them raw,
//   even in a plain scalar, and its output then does not read back (found by
//   fuzz/manifest_fuzzer).
// JSON allows all of them, so a value that holds one would change (or the
// document become unreadable) on its way through ToYaml. ToYaml emits such a
// string double quoted with each of these code points replaced by a marker
// (ASCII, and found nowhere else in the document), then swaps every marker
// for the code point's \u or \U escape. (The names say "noncharacter" for
// all of them.)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace berth::api {

// Whether `s` (UTF-8) holds a noncharacter.
bool HasNoncharacter(std::string_view s);

// A marker for ReplaceNoncharacters: "" when no string or key of `doc` holds a
// noncharacter (nothing to escape), otherwise an ASCII word that occurs in no
// string or key of `doc`.
std::string NoncharacterMarker(const nlohmann::json& doc);

// `s` with each noncharacter replaced by `marker` and six hex digits.
std::string ReplaceNoncharacters(std::string_view s, std::string_view marker);

// `yaml` with each `marker` and its six hex digits replaced by the escape a
// double-quoted YAML scalar reads back as that code point.
std::string EscapeNoncharacterMarkers(std::string_view yaml, std::string_view marker);

}  // namespace berth::api
