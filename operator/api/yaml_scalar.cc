#include "operator/api/yaml_scalar.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace berth::api {
namespace {

bool IsNullWord(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

int BoolWord(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return 1;
  if (s == "false" || s == "False" || s == "FALSE") return 0;
  return -1;
}

// Plain-scalar forms of the YAML 1.2 core schema, matched by hand: std::regex
// recurses once per character and overflows the stack on a long scalar.
bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool IsDec(char c) {
  return c >= '0' && c <= '9';
}
bool IsOct(char c) {
  return c >= '0' && c <= '7';
}
bool IsHex(char c) {
  return IsDec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
std::string_view WithoutSign(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

// [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
bool IsIntWord(std::string_view s) {
  if (s.starts_with("0o")) return AllOf(s.substr(2), IsOct);
  if (s.starts_with("0x")) return AllOf(s.substr(2), IsHex);
  return AllOf(WithoutSign(s), IsDec);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloatWord(std::string_view s) {
  s = WithoutSign(s);
  size_t i = 0;
  while (i < s.size() && IsDec(s[i])) ++i;
  size_t int_digits = i;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDec(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    return AllOf(WithoutSign(s.substr(i + 1)), IsDec);
  }
  return i == s.size();
}

// [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
bool IsInfNanWord(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  s = WithoutSign(s);
  return s == ".inf" || s == ".Inf" || s == ".INF";
}

}  // namespace

Json ResolvePlain(const std::string& s) {
  if (IsNullWord(s)) return nullptr;
  if (int b = BoolWord(s); b >= 0) return b == 1;
  if (IsIntWord(s)) {
    try {
      if (s.starts_with("0x")) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 16));
      if (s.starts_with("0o")) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 8));
      return static_cast<int64_t>(std::stoll(s));
    } catch (const std::out_of_range&) {
    }
    // Above int64 but within uint64 (a decimal without a minus sign): an
    // unsigned integer, as JSON's parser reads the same digits, so YAML and
    // JSON agree and ToYaml round-trips it.
    if (!s.starts_with("-") && !s.starts_with("0x") && !s.starts_with("0o")) {
      try {
        return static_cast<uint64_t>(std::stoull(s));
      } catch (const std::out_of_range&) {
      }
    }
    return s;  // too large for any integer: keep the text rather than lose digits
  }
  if (IsInfNanWord(s)) return s;  // JSON has no Inf/NaN; keep as text
  if (IsFloatWord(s)) {
    // strtod, not stod: stod throws on overflow and underflow. A value too
    // large for a double keeps its text (JSON has no Inf); one too small to
    // represent becomes the nearest double (0 or a denormal).
    errno = 0;
    double d = std::strtod(s.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(d)) return s;
    return d;
  }
  return s;
}

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) return false;
    }
    i += len + 1;
  }
  return true;
}

}  // namespace berth::api
