// LocalRegistry: Debian's docker-registry as a child process on
// 127.0.0.1:<free port>, storage in a temp dir, optionally behind htpasswd
// basic auth. For tests that pull (or push) images for real without leaving
// the machine: the engine treats 127.0.0.0/8 registries as insecure (plain
// HTTP) by default. Test-only; not thread-safe.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace berth::testing {

inline constexpr char kDockerRegistryBin[] = "/usr/bin/docker-registry";

class LocalRegistry {
 public:
  ~LocalRegistry() { Stop(); }

  // Starts it, with basic auth from `htpasswd_file` unless empty, and waits
  // until it listens. Empty on success, else why it could not start.
  std::string Start(const std::string& htpasswd_file);
  // Stops the process and removes its storage. Idempotent.
  void Stop();

  std::string Log() const;
  // "127.0.0.1:PORT", the registry part of image references.
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace berth::testing
