#include "controllers/stack/compose.h"

#include <cctype>
#include <cmath>

#include "operator/common/strings.h"

namespace berth::stack {
namespace {

Status Bad(std::string_view what, std::string_view input, std::string_view why) {
  return Status::Invalid(std::string(what) + " \"" + std::string(input) +
                         "\": " + std::string(why));
}

bool ParsePortNumber(std::string_view s, int* out) {
  long long v = 0;
  if (!ParseInt64(s, &v) || v < 0 || v > 65535) return false;
  *out = static_cast<int>(v);
  return true;
}

// "80" or "9000-9001" -> [start, end].
bool ParseRange(std::string_view s, int* start, int* end) {
  auto dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ParsePortNumber(s, start)) return false;
    *end = *start;
    return true;
  }
  return ParsePortNumber(s.substr(0, dash), start) && ParsePortNumber(s.substr(dash + 1), end) &&
         *start <= *end;
}

}  // namespace

Result<std::vector<PortMapping>> ParsePort(std::string_view spec) {
  std::string_view s = spec;
  std::string proto = "tcp";
  if (auto slash = s.rfind('/'); slash != std::string_view::npos) {
    proto = std::string(s.substr(slash + 1));
    s = s.substr(0, slash);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") {
      return Bad("port", spec, "protocol must be tcp, udp or sctp");
    }
  }
  std::string host_ip;
  if (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return Bad("port", spec, "malformed IPv6 host address");
    }
    host_ip = std::string(s.substr(1, close - 1));
    s = s.substr(close + 2);
  }
  std::vector<std::string> parts = Split(s, ':');
  if (!host_ip.empty() && parts.size() != 2) {
    return Bad("port", spec, "expected [HOST_IP]:HOST_PORT:CONTAINER_PORT");
  }
  std::string host_range, container_range;
  switch (parts.size()) {
    case 1: container_range = parts[0]; break;
    case 2:
      host_range = parts[0];
      container_range = parts[1];
      break;
    case 3:
      host_ip = parts[0];
      host_range = parts[1];
      container_range = parts[2];
      break;
    default: return Bad("port", spec, "expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]");
  }
  int c_start = 0, c_end = 0;
  if (!ParseRange(container_range, &c_start, &c_end) || c_start == 0) {
    return Bad("port", spec, "container port must be 1-65535 or a range");
  }
  int h_start = 0, h_end = 0;
  if (!host_range.empty()) {
    if (!ParseRange(host_range, &h_start, &h_end)) {
      return Bad("port", spec, "host port must be 0-65535 or a range");
    }
    if (h_end - h_start != c_end - c_start && !(h_start == 0 && h_end == 0)) {
      return Bad("port", spec, "host and container port ranges differ in size");
    }
  }
  std::vector<PortMapping> out;
  for (int p = c_start; p <= c_end; ++p) {
    PortMapping m;
    m.host_ip = host_ip;
    m.container_port = p;
    m.protocol = proto;
    m.host_port = h_start == 0 ? 0 : h_start + (p - c_start);
    out.push_back(m);
  }
  return out;
}

Result<VolumeMount> ParseVolume(std::string_view spec) {
  std::vector<std::string> parts = Split(spec, ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return Bad("volume", spec, "expected SOURCE:TARGET[:ro|rw]");
  }
  VolumeMount v;
  v.source = parts[0];
  v.target = parts[1];
  if (v.source.empty()) return Bad("volume", spec, "empty source");
  if (v.target.empty() || v.target.front() != '/') {
    return Bad("volume", spec, "target must be an absolute path");
  }
  if (parts.size() == 3) {
    if (parts[2] == "ro") {
      v.read_only = true;
    } else if (parts[2] != "rw") {
      return Bad("volume", spec, "mode must be ro or rw");
    }
  }
  if (v.source.front() == '/' || v.source.starts_with("./") || v.source.starts_with("../") ||
      v.source == "." || v.source == "..") {
    v.type = VolumeMount::Type::kBind;
    if (v.source.front() != '/') {
      // Relative binds live under the stack's data dir; they may not climb out of it.
      for (const std::string& seg : Split(v.source, '/')) {
        if (seg == "..") return Bad("volume", spec, "a relative path may not contain ..");
      }
    }
  } else {
    v.type = VolumeMount::Type::kNamed;
  }
  return v;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view s) {
  if (s.empty()) return Bad("duration", s, "empty");
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return Bad("duration", s, "expected a number");
    double num = 0;
    try {
      num = std::stod(std::string(s.substr(start, i - start)));
    } catch (const std::exception&) {
      return Bad("duration", s, "bad number");
    }
    size_t ustart = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    double factor = 0;
    if (unit == "ns")
      factor = 1e-6;
    else if (unit == "us" || unit == "µs")
      factor = 1e-3;
    else if (unit == "ms")
      factor = 1;
    else if (unit == "s")
      factor = 1000;
    else if (unit == "m")
      factor = 60000;
    else if (unit == "h")
      factor = 3600000;
    else
      return Bad("duration", s, "unit must be one of ns, us, ms, s, m, h");
    total_ms += num * factor;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(total_ms)));
}

Result<int64_t> ParseBytes(std::string_view s) {
  std::string_view t = Trim(s);
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return Bad("size", s, "expected a number");
  double num = 0;
  try {
    num = std::stod(std::string(t.substr(0, i)));
  } catch (const std::exception&) {
    return Bad("size", s, "bad number");
  }
  std::string unit = ToLower(t.substr(i));
  if (unit.ends_with("ib"))
    unit = unit.substr(0, unit.size() - 2);
  else if (unit.ends_with("i") || unit.ends_with("b"))
    unit = unit.substr(0, unit.size() - 1);
  double factor = 0;
  if (unit.empty())
    factor = 1;
  else if (unit == "k")
    factor = 1024.0;
  else if (unit == "m")
    factor = 1024.0 * 1024;
  else if (unit == "g")
    factor = 1024.0 * 1024 * 1024;
  else if (unit == "t")
    factor = 1024.0 * 1024 * 1024 * 1024;
  else
    return Bad("size", s, "unit must be b, k, m, g or t (optionally with i/b)");
  return static_cast<int64_t>(std::llround(num * factor));
}

Result<int64_t> ParseNanoCpus(std::string_view s) {
  double cpus = 0;
  try {
    size_t used = 0;
    cpus = std::stod(std::string(s), &used);
    if (used != s.size()) return Bad("cpus", s, "expected a number");
  } catch (const std::exception&) {
    return Bad("cpus", s, "expected a number");
  }
  if (cpus <= 0) return Bad("cpus", s, "must be positive");
  return static_cast<int64_t>(std::llround(cpus * 1e9));
}

Result<std::vector<std::string>> ShellSplit(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return Bad("command", s, "unterminated single quote");
      cur.append(s.substr(i + 1, end - i - 1));
      i = end;
      in_word = true;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size() &&
            (s[j + 1] == '"' || s[j + 1] == '\\' || s[j + 1] == '$' || s[j + 1] == '`')) {
          ++j;
        }
        cur += s[j];
      }
      if (j >= s.size()) return Bad("command", s, "unterminated double quote");
      i = j;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 < s.size()) cur += s[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

}  // namespace berth::stack
