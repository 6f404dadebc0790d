#include "operator/common/time_format.h"

#include <cstdio>
#include <ctime>

namespace berth {
namespace {

std::string FormatBase(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string FormatRfc3339(std::chrono::system_clock::time_point t) {
  return FormatBase(std::chrono::floor<std::chrono::seconds>(t)) + "Z";
}

std::string FormatRfc3339Micro(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  char frac[32];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(micros));
  return FormatBase(secs) + frac + "Z";
}

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  std::tm tm{};
  std::string str(s);
  const char* rest = strptime(str.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  long long micros = 0;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (*rest >= '0' && *rest <= '9') {
      if (digits < 6) micros = micros * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  long offset = 0;
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = (hh * 3600L + mm * 60L) * (*rest == '-' ? -1 : 1);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest != '\0') return std::nullopt;
  std::time_t secs = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(secs) + std::chrono::microseconds(micros);
}

std::string HumanAge(std::chrono::system_clock::duration d) {
  long long s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 0) s = 0;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 3600 * 2) return std::to_string(s / 60) + "m";
  if (s < 86400 * 2) return std::to_string(s / 3600) + "h";
  if (s < 86400 * 365 * 2) return std::to_string(s / 86400) + "d";
  return std::to_string(s / (86400 * 365)) + "y";
}

}  // namespace berth
