#include <cctype>
#include <chrono>

#include "operator/cli/commands.h"
#include "operator/common/strings.h"

namespace berth::cli {

Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  using std::chrono::milliseconds;
  auto bad = [&] {
    return Status::BadRequest("invalid duration \"" + text +
                              "\": use a number with a unit, e.g. 30s, 5m, 1h30m, 500ms");
  };
  if (text.empty()) return bad();
  long long plain = 0;
  if (ParseInt64(text, &plain)) {
    if (plain < 0) return bad();
    return milliseconds(plain * 1000);
  }
  long long total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (start == i) return bad();
    long long n = 0;
    if (!ParseInt64(std::string_view(text).substr(start, i - start), &n)) return bad();
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(ustart, i - ustart);
    if (unit == "ms") {
      total_ms += n;
    } else if (unit == "s") {
      total_ms += n * 1000;
    } else if (unit == "m") {
      total_ms += n * 60'000;
    } else if (unit == "h") {
      total_ms += n * 3'600'000;
    } else {
      return bad();
    }
  }
  return milliseconds(total_ms);
}

std::string FormatDuration(std::chrono::milliseconds d) {
  long long ms = d.count();
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  long long s = ms / 1000;
  std::string out;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0 || out.empty()) out += std::to_string(s) + "s";
  return out;
}

}  // namespace berth::cli
