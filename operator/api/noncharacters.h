// Unicode noncharacters in YAML output.
//
// yaml-cpp's emitter replaces every noncharacter (U+FDD0..U+FDEF and the last
// two code points of each plane, U+FFFE, U+FFFF, U+1FFFE, ...) by U+FFFD in a
// quoted scalar, and YAML forbids U+FFFE and U+FFFF unescaped. JSON allows
// them, so a value that holds one would change on its way through ToYaml.
// ToYaml emits such a string double quoted with each noncharacter replaced by
// a marker (ASCII, and found nowhere else in the document), then swaps every
// marker for the code point's \u or \U escape.
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
