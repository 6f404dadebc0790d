// Small string helpers shared by every layer. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth {

std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty = false);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
// Parses a whole decimal int64; false on junk, overflow or empty input.
bool ParseInt64(std::string_view s, long long* out);
// Lowercase hex of `data`.
std::string HexEncode(std::string_view data);
// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view data);
// Decodes standard base64 (padding optional, whitespace ignored); false on
// any other character or a truncated quantum.
bool Base64Decode(std::string_view text, std::string* out);
// Hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// `n` cryptographically random bytes, hex encoded (2n characters).
std::string RandomHex(size_t n);
// A random RFC 4122 version-4 UUID.
std::string NewUuid();

}  // namespace berth
