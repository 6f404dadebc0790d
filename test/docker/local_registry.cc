#include "test/docker/local_registry.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "operator/common/strings.h"

extern char** environ;

namespace berth::testing {
namespace {

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Listening(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::string LocalRegistry::Start(const std::string& htpasswd_file) {
  dir_ = std::filesystem::temp_directory_path() / ("berth-registry-" + RandomHex(4));
  std::filesystem::create_directories(dir_ / "data");
  port_ = FreeLoopbackPort();
  std::ofstream cfg(dir_ / "config.yml");
  cfg << "version: 0.1\n"
      << "log: {level: warn}\n"
      << "storage: {filesystem: {rootdirectory: " << (dir_ / "data").string()
      << "}, delete: {enabled: true}}\n"
      << "http: {addr: 127.0.0.1:" << port_ << "}\n";
  if (!htpasswd_file.empty()) {
    cfg << "auth: {htpasswd: {realm: berth-test, path: " << htpasswd_file << "}}\n";
  }
  cfg.close();
  std::string log = (dir_ / "registry.log").string();
  std::string config = (dir_ / "config.yml").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::string bin = kDockerRegistryBin, serve = "serve";
  char* argv[] = {bin.data(), serve.data(), config.data(), nullptr};
  int rc = posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    return "cannot run " + bin;
  }
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < until;) {
    if (Listening(port_)) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "registry did not listen: " + Log();
}

void LocalRegistry::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

std::string LocalRegistry::Log() const {
  std::ifstream in(dir_ / "registry.log");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace berth::testing
