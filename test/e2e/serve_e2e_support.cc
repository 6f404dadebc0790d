#include "test/e2e/serve_e2e_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace berth::e2e {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> Environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) all[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : all) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

bool RequireAll() {
  const char* v = std::getenv("BERTH_TEST_REQUIRE_ALL");
  return v != nullptr && std::string(v) == "1";
}

std::string ServerBinary() {
  if (const char* b = std::getenv("BERTH_BIN"); b != nullptr && fs::exists(b)) return b;
  std::string bin = std::string(BERTH_BINARY_DIR) + "/bin/berth";
  if (fs::exists(bin)) return bin;
  return std::string(BERTH_BINARY_DIR) + "/tests/serve_runner";
}

bool UsingRealBerth() {
  return fs::path(ServerBinary()).filename() == "berth";
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env,
                         std::chrono::seconds timeout) {
  CommandResult res;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) return res;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> args = argv, envs = Environment(env);
  auto cargs = CStrings(args), cenv = CStrings(envs);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0].c_str(), &fa, nullptr, cargs.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    res.err = "cannot run " + args[0];
    return res;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool killed = false;
  while (open_fds > 0) {
    if (std::chrono::steady_clock::now() > deadline && !killed) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    if (::poll(fds, 2, 200) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? res.out : res.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  res.exit_code = ExitCode(status);
  return res;
}

std::unique_ptr<Process> Process::Start(const std::vector<std::string>& argv,
                                        const std::string& log_path,
                                        const std::map<std::string, std::string>& env) {
  auto p = std::unique_ptr<Process>(new Process());
  p->log_ = log_path;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> args = argv, envs = Environment(env);
  auto cargs = CStrings(args), cenv = CStrings(envs);
  // The child must not inherit blocked signals (serve blocks SIGTERM itself).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0].c_str(), &fa, &attr, cargs.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return nullptr;
  p->pid_ = pid;
  return p;
}

Process::~Process() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool Process::Running() {
  if (reaped_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    status_ = status;
    return false;
  }
  return true;
}

int Process::Stop(int sig, std::chrono::seconds timeout) {
  if (Running()) ::kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      reaped_ = true;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ExitCode(status_);
}

std::string Process::Output() const {
  return ReadFile(log_);
}

std::optional<std::string> ServeEnv::Start(const std::string& test_name, const Config& config) {
  config_ = config;
  std::string name = test_name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  }
  dir_ = (fs::temp_directory_path() / ("berth-e2e-" + std::to_string(::getpid()) + "-" + name))
             .string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  if (config_.tls) {
    std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        dir_ + "/tls.key -out " + dir_ + "/tls.crt >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return "openssl could not make a certificate";
  }
  port_ = FreePort();
  return Launch();
}

std::optional<std::string> ServeEnv::Launch() {
  std::vector<std::string> argv = {ServerBinary()};
  // API only: controllers on a shared test Docker host would act on
  // containers other tests own (a Stack missing from this fresh store looks
  // orphaned to them).
  if (UsingRealBerth()) argv.insert(argv.end(), {"serve", "--no-controllers"});
  argv.insert(argv.end(),
              {"--data-dir", data_dir(), "--listen", "127.0.0.1:" + std::to_string(port_)});
  if (!config_.store_url.empty()) argv.insert(argv.end(), {"--store", config_.store_url});
  if (config_.tls) {
    argv.insert(argv.end(), {"--tls-cert", dir_ + "/tls.crt", "--tls-key", dir_ + "/tls.key"});
  }
  proc_ = Process::Start(argv, dir_ + "/serve.log");
  if (!proc_) return "cannot start " + argv[0];
  auto client = Client("");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!proc_->Running()) return "the server exited:\n" + proc_->Output();
    if (client.Get("/readyz").code == 200) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "the server did not become ready:\n" + proc_->Output();
}

ServeEnv::~ServeEnv() {
  if (proc_) proc_->Stop(SIGTERM);
  if (!dir_.empty() && !::testing::Test::HasFailure()) fs::remove_all(dir_);
}

int ServeEnv::Stop() {
  return proc_ ? proc_->Stop(SIGTERM) : -1;
}

std::optional<std::string> ServeEnv::Restart() {
  if (proc_) proc_->Stop(SIGTERM);
  return Launch();
}

std::string ServeEnv::url() const {
  return std::string(config_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string ServeEnv::admin_token() const {
  std::string t = ReadFile(data_dir() + "/admin.token");
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

testing::HttpOptions ServeEnv::HttpOpts(const std::string& token) const {
  testing::HttpOptions o;
  o.token = token;
  if (config_.tls) o.ca_file = ca_file();
  return o;
}

testing::HttpClient ServeEnv::Client(const std::string& token) const {
  return testing::HttpClient(url(), HttpOpts(token));
}

}  // namespace berth::e2e
