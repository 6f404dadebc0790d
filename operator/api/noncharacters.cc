#include "operator/api/noncharacters.h"

#include <cstdint>
#include <cstdio>

namespace berth::api {
namespace {

constexpr size_t kHexDigits = 6;

// Whether the code point at some position, `len` bytes of well-formed UTF-8
// (a stray byte decodes as itself with len 1), must be escaped: see the header.
bool IsNoncharacter(uint32_t cp, size_t len) {
  if (len == 1) return cp == 0x7F || cp == '\r';
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE || (cp >= 0x80 && cp <= 0x9F) ||
         cp == 0x2028 || cp == 0x2029;
}

// Decodes the code point at s[i] and its length; a byte that does not start a
// well-formed sequence counts as one code point of length 1 (never a
// noncharacter).
uint32_t Decode(std::string_view s, size_t i, size_t& len) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (byte(k) & 0xC0) == 0x80; };
  uint8_t b0 = byte(0);
  len = 1;
  if (b0 < 0x80) return b0;
  if ((b0 & 0xE0) == 0xC0 && cont(1)) {
    len = 2;
    return ((b0 & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
  }
  if ((b0 & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    len = 3;
    return ((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
  }
  if ((b0 & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    len = 4;
    return ((b0 & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
           (byte(3) & 0x3Fu);
  }
  return 0;
}

bool AnyNoncharacter(const nlohmann::json& v) {
  if (v.is_string()) return HasNoncharacter(v.get_ref<const std::string&>());
  if (v.is_array()) {
    for (const auto& item : v) {
      if (AnyNoncharacter(item)) return true;
    }
  }
  if (v.is_object()) {
    for (const auto& [k, item] : v.items()) {
      if (HasNoncharacter(k) || AnyNoncharacter(item)) return true;
    }
  }
  return false;
}

bool Contains(const nlohmann::json& v, const std::string& word) {
  if (v.is_string()) return v.get_ref<const std::string&>().find(word) != std::string::npos;
  if (v.is_array()) {
    for (const auto& item : v) {
      if (Contains(item, word)) return true;
    }
  }
  if (v.is_object()) {
    for (const auto& [k, item] : v.items()) {
      if (k.find(word) != std::string::npos || Contains(item, word)) return true;
    }
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool HasNoncharacter(std::string_view s) {
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    uint32_t cp = Decode(s, i, len);
    if (IsNoncharacter(cp, len)) return true;
  }
  return false;
}

std::string NoncharacterMarker(const nlohmann::json& doc) {
  if (!AnyNoncharacter(doc)) return "";
  for (int n = 0;; ++n) {
    std::string marker = "BERTHNONCHAR" + std::to_string(n) + "X";
    if (!Contains(doc, marker)) return marker;
  }
}

std::string ReplaceNoncharacters(std::string_view s, std::string_view marker) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    uint32_t cp = Decode(s, i, len);
    if (IsNoncharacter(cp, len)) {
      char hex[kHexDigits + 1];
      std::snprintf(hex, sizeof hex, "%06X", cp);
      out.append(marker).append(hex);
    } else {
      out.append(s.substr(i, len));
    }
  }
  return out;
}

std::string EscapeNoncharacterMarkers(std::string_view yaml, std::string_view marker) {
  std::string out;
  out.reserve(yaml.size());
  size_t pos = 0;
  while (true) {
    size_t at = yaml.find(marker, pos);
    if (at == std::string_view::npos || at + marker.size() + kHexDigits > yaml.size()) break;
    uint32_t cp = 0;
    for (size_t k = 0; k < kHexDigits; ++k) {
      cp = cp * 16 + static_cast<uint32_t>(HexValue(yaml[at + marker.size() + k]));
    }
    char escape[16];
    std::snprintf(escape, sizeof escape, cp <= 0xFFFF ? "\\u%04X" : "\\U%08X", cp);
    out.append(yaml.substr(pos, at - pos)).append(escape);
    pos = at + marker.size() + kHexDigits;
  }
  out.append(yaml.substr(pos));
  return out;
}

}  // namespace berth::api
