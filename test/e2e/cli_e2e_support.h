// End-to-end support for the CLI: runs the real `berth` binary as a user
// would — a `berth serve` on a free 127.0.0.1 port (SQLite, or a fresh
// PostgreSQL database when BERTH_TEST_PG_URL is set), then `berth` commands
// with captured stdout/stderr and exit code — plus a raw HTTP helper for what
// no CLI verb does (writing status, removing finalizers).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace berth::e2e {

inline std::string ToLowerCopy(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline bool RequireAll() {
  const char* v = std::getenv("BERTH_TEST_REQUIRE_ALL");
  return v != nullptr && std::string(v) == "1";
}

// Skips (or fails under BERTH_TEST_REQUIRE_ALL=1) the current test.
#define BERTH_E2E_SKIP(why)                          \
  do {                                               \
    if (::berth::e2e::RequireAll()) FAIL() << (why); \
    GTEST_SKIP() << (why);                           \
  } while (0)

inline std::string BerthBinary() {
  if (const char* b = std::getenv("BERTH_BIN"); b != nullptr && *b != '\0') return b;
  return std::string(BERTH_BINARY_DIR) + "/bin/berth";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-e2e-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct HttpResult {
  int status = 0;  // 0: no connection
  std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:port with Connection: close.
inline HttpResult Http(int port, const std::string& method, const std::string& path,
                       const std::string& token = "", const std::string& body = "",
                       const std::string& content_type = "application/json") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty()) {
    req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
  }
  req += "\r\n" + body;
  for (size_t off = 0; off < req.size();) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string resp;
  char buf[8192];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  HttpResult r;
  if (resp.size() > 12) r.status = std::atoi(resp.substr(9, 3).c_str());
  size_t hdr_end = resp.find("\r\n\r\n");
  std::string raw_body = hdr_end == std::string::npos ? "" : resp.substr(hdr_end + 4);
  if (resp.substr(0, hdr_end).find("chunked") != std::string::npos) {
    // De-chunk.
    size_t i = 0;
    while (i < raw_body.size()) {
      size_t eol = raw_body.find("\r\n", i);
      if (eol == std::string::npos) break;
      size_t len = std::stoul(raw_body.substr(i, eol - i), nullptr, 16);
      if (len == 0) break;
      r.body += raw_body.substr(eol + 2, len);
      i = eol + 2 + len + 2;
    }
  } else {
    r.body = raw_body;
  }
  return r;
}

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// A child process with stdin from a file and stdout/stderr to files.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          const std::string& dir, const std::string& stdin_text = "") {
    static int counter = 0;
    std::string base =
        dir + "/proc-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    in_path_ = base + ".in";
    out_path_ = base + ".out";
    err_path_ = base + ".err";
    WriteFile(in_path_, stdin_text);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path_.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> envs;
    for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, args[0].c_str(), &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Process() { Kill(); }

  bool started() const { return pid_ > 0; }
  std::string out() const { return ReadFile(out_path_); }
  std::string err() const { return ReadFile(err_path_); }

  // Waits for exit; -1 if it had to be killed at the deadline.
  int Wait(std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (pid_ > 0) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() > deadline) {
        Kill();
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  void Kill(int sig = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  void Signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // Polls stdout until it contains `text`.
  bool WaitForOutput(const std::string& text,
                     std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (out().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  std::string in_path_, out_path_, err_path_;
};

// A PostgreSQL database of its own for one test, dropped afterwards.
class PgDatabase {
 public:
  explicit PgDatabase(const std::string& admin_url) : admin_url_(admin_url) {
    name_ = "berth_cli_e2e_" + std::to_string(::getpid()) + "_" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
    ok_ = Psql("CREATE DATABASE " + name_);
    size_t slash = admin_url.rfind('/');
    url_ = admin_url.substr(0, slash + 1) + name_;
  }
  ~PgDatabase() {
    if (ok_) Psql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  bool ok() const { return ok_; }
  const std::string& url() const { return url_; }

 private:
  bool Psql(const std::string& sql) {
    std::string cmd =
        "psql -q -v ON_ERROR_STOP=1 '" + admin_url_ + "' -c '" + sql + "' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  std::string admin_url_, name_, url_;
  bool ok_ = false;
};

// A `berth serve` of its own (API only: no controllers, no Docker) and a
// way to run `berth` commands against it.
class BerthEnv {
 public:
  // backend: "sqlite" or "postgres".
  explicit BerthEnv(const std::string& backend) : backend_(backend) {}

  // Starts the server; returns a reason to skip when it cannot.
  std::optional<std::string> Start() {
    bin_ = BerthBinary();
    if (!std::filesystem::exists(bin_)) return "no berth binary at " + bin_;
    std::string store;
    if (backend_ == "postgres") {
      const char* pg = std::getenv("BERTH_TEST_PG_URL");
      if (pg == nullptr || *pg == '\0') return std::string("BERTH_TEST_PG_URL is not set");
      pg_ = std::make_unique<PgDatabase>(pg);
      if (!pg_->ok()) return "cannot create a database at BERTH_TEST_PG_URL";
      store = pg_->url();
    }
    data_dir_ = dir_.path() + "/data";
    home_ = dir_.path() + "/home";
    std::filesystem::create_directories(home_);
    port_ = FreePort();
    std::vector<std::string> args = {bin_,
                                     "serve",
                                     "--data-dir",
                                     data_dir_,
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(port_),
                                     "--no-controllers",
                                     "--no-leader-elect"};
    if (!store.empty()) {
      args.push_back("--store");
      args.push_back(store);
    }
    server_ = std::make_unique<Process>(args, BaseEnv(), dir_.path());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Http(port_, "GET", "/readyz").status == 200 &&
          std::filesystem::exists(data_dir_ + "/admin.token")) {
        admin_token_ = ReadFile(data_dir_ + "/admin.token");
        while (!admin_token_.empty() &&
               (admin_token_.back() == '\n' || admin_token_.back() == ' ')) {
          admin_token_.pop_back();
        }
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "berth serve did not become ready:\n" << server_->err();
    return "berth serve did not start";
  }

  ~BerthEnv() {
    if (server_) {
      server_->Signal(SIGTERM);
      if (server_->Wait(std::chrono::seconds(20)) == -1) server_->Kill();
    }
  }

  std::string server_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::string& home() const { return home_; }
  const std::string& dir() const { return dir_.path(); }
  std::string server_log() const { return server_ ? server_->err() : ""; }

  // The environment of every command: its own HOME, nothing inherited that
  // could point it elsewhere.
  std::map<std::string, std::string> BaseEnv() const {
    std::map<std::string, std::string> env = {
        {"HOME", home_}, {"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};
    return env;
  }

  // `berth ARGS` as the admin (--server and --token given as flags).
  RunResult Berth(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {"--server", server_url(), "--token", admin_token_});
    return BerthAs(args, BaseEnv(), stdin_text);
  }
  // `berth ARGS` with exactly the flags and environment given.
  RunResult BerthAs(std::vector<std::string> args, std::map<std::string, std::string> env,
                    const std::string& stdin_text = "") {
    args.insert(args.begin(), bin_);
    Process p(args, env, dir_.path(), stdin_text);
    RunResult r;
    r.code = p.Wait();
    r.out = p.out();
    r.err = p.err();
    return r;
  }
  // A long-running `berth ARGS` as the admin (get -w, delete --wait).
  std::unique_ptr<Process> Spawn(std::vector<std::string> args) {
    args.insert(args.begin(), {bin_, "--server", server_url(), "--token", admin_token_});
    return std::make_unique<Process>(args, BaseEnv(), dir_.path());
  }

  std::string Write(const std::string& rel, const std::string& text) {
    std::string p = dir_.path() + "/" + rel;
    WriteFile(p, text);
    return p;
  }

 private:
  std::string backend_;
  TempDir dir_;
  std::string bin_, data_dir_, home_, admin_token_;
  int port_ = 0;
  std::unique_ptr<PgDatabase> pg_;
  std::unique_ptr<Process> server_;
};

}  // namespace berth::e2e
