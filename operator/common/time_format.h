// RFC 3339 timestamps as Kubernetes writes them ("2026-11-22T10:04:05Z").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace berth {

// Seconds precision, UTC, "Z" suffix.
std::string FormatRfc3339(std::chrono::system_clock::time_point t);
// Microsecond precision ("2026-11-22T10:04:05.123456Z"), as in MicroTime.
std::string FormatRfc3339Micro(std::chrono::system_clock::time_point t);
// Accepts "Z" or "+hh:mm" offsets and optional fractional seconds.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s);
// Kubernetes-style age: "5s", "3m", "2h", "4d", "2y".
std::string HumanAge(std::chrono::system_clock::duration d);

}  // namespace berth
