// End-to-end support for `berth serve`: runs the real server process (the
// berth binary, or serve_runner before the CLI exists) on a free 127.0.0.1
// port, runs commands (kubectl) with captured output and exit code, and runs
// long-lived commands (kubectl get -w) in the background. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/apiserver/http_client.h"

namespace berth::e2e {

// BERTH_TEST_REQUIRE_ALL=1: a test that cannot find what it needs fails.
bool RequireAll();

// Skips the test, or fails it under BERTH_TEST_REQUIRE_ALL=1.
#define BERTH_E2E_SKIP_OR_FAIL(why)                  \
  do {                                               \
    if (::berth::e2e::RequireAll()) FAIL() << (why); \
    GTEST_SKIP() << (why);                           \
  } while (0)

// $BERTH_BIN, else <build>/bin/berth, else <build>/tests/serve_runner.
std::string ServerBinary();
// True when ServerBinary() is the real berth binary (runs `berth serve ...`).
bool UsingRealBerth();

int FreePort();

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with extra environment, waiting up to
// `timeout` (then killed).
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// A child process whose stdout and stderr go to a file, for servers and
// watches. Killed (SIGKILL) when destroyed if still running.
class Process {
 public:
  static std::unique_ptr<Process> Start(const std::vector<std::string>& argv,
                                        const std::string& log_path,
                                        const std::map<std::string, std::string>& env = {});
  ~Process();
  // Sends `sig` and waits up to `timeout` for the exit; the exit code, or
  // 128 + signal, or -1 when it did not exit in time (then it is killed).
  int Stop(int sig, std::chrono::seconds timeout = std::chrono::seconds(20));
  bool Running();
  std::string Output() const;  // what it wrote so far
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string log_;
};

// One running `berth serve` with its own data dir.
class ServeEnv {
 public:
  struct Config {
    std::string store_url;  // "": the default (sqlite in the data dir)
    bool tls = false;       // self-signed cert made with openssl for 127.0.0.1
  };
  // Starts the server and waits until /readyz answers 200. nullopt on
  // success, else why not.
  std::optional<std::string> Start(const std::string& test_name, const Config& config);
  ~ServeEnv();

  // SIGTERM; the exit code.
  int Stop();
  // Starts it again on the same data dir, store and port.
  std::optional<std::string> Restart();

  std::string url() const;
  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/data"; }
  std::string ca_file() const { return dir_ + "/tls.crt"; }
  std::string admin_token() const;
  std::string log() const { return proc_ ? proc_->Output() : ""; }
  Process* process() { return proc_.get(); }
  testing::HttpClient Client(const std::string& token) const;
  testing::HttpOptions HttpOpts(const std::string& token) const;

 private:
  std::optional<std::string> Launch();
  std::string dir_;
  Config config_;
  int port_ = 0;
  std::unique_ptr<Process> proc_;
};

}  // namespace berth::e2e
