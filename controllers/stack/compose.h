// Parsers for the compose-style short syntaxes a Stack accepts: ports,
// volumes, durations, byte sizes, CPU counts and shell-split commands. Pure
// functions; errors are Invalid with a message that quotes the input.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"

namespace berth::stack {

// One published (or only exposed) port after range expansion.
struct PortMapping {
  std::string host_ip;  // "" = all interfaces
  int host_port = 0;    // 0 = not published
  int container_port = 0;
  std::string protocol = "tcp";
  bool operator==(const PortMapping&) const = default;
};

// "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]" with ranges ("9000-9001") and
// bracketed IPv6 hosts ("[::1]:80:80").
Result<std::vector<PortMapping>> ParsePort(std::string_view spec);

struct VolumeMount {
  enum class Type { kNamed, kBind };
  Type type = Type::kNamed;
  std::string source;  // volume key, absolute path, or "./relative" path
  std::string target;
  bool read_only = false;
  bool relative() const { return type == Type::kBind && source.front() == '.'; }
};

// "SOURCE:TARGET[:ro|rw]"; SOURCE "/abs", "./rel" or "../rel" is a bind mount,
// anything else names a volume. TARGET must be absolute.
Result<VolumeMount> ParseVolume(std::string_view spec);

// Go-style durations: "300ms", "1.5s", "1m30s", "2h". Negative is an error.
Result<std::chrono::milliseconds> ParseDuration(std::string_view s);
// "512", "100k", "512m", "1g", "1.5G", "2Gi", "256MiB" -> bytes (binary units).
Result<int64_t> ParseBytes(std::string_view s);
// "0.5", "2" -> nano CPUs (1e9 per CPU).
Result<int64_t> ParseNanoCpus(std::string_view s);
// Splits a command line like POSIX sh would without expansions: single and
// double quotes, backslash escapes. Unterminated quotes are an error.
Result<std::vector<std::string>> ShellSplit(std::string_view s);

}  // namespace berth::stack
