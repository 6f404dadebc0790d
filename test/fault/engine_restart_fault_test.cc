// The Docker engine stopped in the middle of a reconcile and started again
// (issue 6): dockerd gets SIGTERM while a Stack is still coming up (one
// service waits for another's slow health check). While the engine is down
// berth says so (the Stack's Ready=False / Degraded=True with reason
// EngineUnavailable, /readyz 503 naming docker) and its API keeps serving
// (get, list, apply). Once dockerd is back, berth converges: both Stacks
// Ready, every container running, none twice.
//
// Stopping dockerd disturbs every other Docker test: the suite is RUN_SERIAL
// in ctest, and dockerd is started again however the test ends.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "operator/common/strings.h"
#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr const char* kPidFile = "/var/run/docker.pid";
constexpr const char* kDockerdLog = "/var/log/berth-dockerd.log";
// For dockerd to stop or to answer again: seconds with a few containers on
// the engine, minutes with hundreds (it restarts every one of them).
constexpr std::chrono::seconds kEngineLimit{300};

long Ms(Steady::duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

bool Alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  // A zombie (not reaped yet by its parent) is gone for our purposes.
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

// Stops and starts the local dockerd as scripts/lib.sh's ensure_dockerd runs
// it (setsid nohup dockerd, pid in /var/run/docker.pid). The destructor
// starts it again if it is not answering, so no test ends with it down.
class Dockerd {
 public:
  Dockerd() = default;
  ~Dockerd() { EnsureRunning(); }

  // The reason it cannot be stopped and started from here, if any.
  std::optional<std::string> Check() {
    if (::geteuid() != 0) return "only root can stop and start dockerd";
    pid_t pid = ReadPid();
    if (!Alive(pid)) return std::string("no running dockerd named in ") + kPidFile;
    // Start it again with the arguments it runs with now.
    std::string cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
    std::stringstream ss(cmdline);
    for (std::string arg; std::getline(ss, arg, '\0');) argv_.push_back(arg);
    if (argv_.empty() || std::filesystem::path(argv_[0]).filename() != "dockerd") {
      return "process " + std::to_string(pid) + " of " + kPidFile + " is not dockerd";
    }
    return std::nullopt;
  }

  // SIGTERM, then waits until the process is gone and the socket no longer
  // answers.
  bool Stop(DockerEnv& docker, seconds limit) {
    pid_t pid = ReadPid();
    if (!Alive(pid)) return false;
    stopped_ = true;
    ::kill(pid, SIGTERM);
    return Eventually([&] { return !Alive(pid) && !docker.client().Ping().ok(); }, limit,
                      milliseconds(100));
  }

  // Starts dockerd detached (own session, reparented to init, no fd of ours)
  // and waits for /_ping.
  bool Start(DockerEnv& docker, seconds limit) {
    if (Alive(ReadPid())) return Eventually([&] { return docker.client().Ping().ok(); }, limit);
    std::error_code ec;
    std::filesystem::remove(kPidFile, ec);  // a stale pid file stops a new engine
    std::vector<std::string> args = argv_.empty() ? std::vector<std::string>{"dockerd"} : argv_;
    const std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    std::string bin = args[0];
    if (bin.find('/') == std::string::npos) {
      std::stringstream dirs(path);
      for (std::string d; std::getline(dirs, d, ':');) {
        if (::access((d + "/" + args[0]).c_str(), X_OK) == 0) {
          bin = d + "/" + args[0];
          break;
        }
      }
    }
    // Everything the child uses is made before fork: it only makes system calls.
    std::vector<std::string> envs = {"PATH=" + path};
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).substr(0, 5) != "PATH=") envs.emplace_back(*e);
    }
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t child = ::fork();
    if (child == 0) {
      ::setsid();
      if (::fork() != 0) ::_exit(0);
      for (int fd = 3; fd < 4096; ++fd) ::close(fd);
      int in = ::open("/dev/null", O_RDONLY);
      int out = ::open(kDockerdLog, O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::execve(bin.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    if (child < 0) return false;
    int status = 0;
    ::waitpid(child, &status, 0);
    bool up = Eventually([&] { return docker.client().Ping().ok(); }, limit, milliseconds(100));
    if (up) stopped_ = false;
    return up;
  }

  // Starts it again unless it answers; for teardown, whatever happened.
  void EnsureRunning() {
    if (!stopped_) return;
    DockerEnv probe;
    if (probe.Connect({}) == std::nullopt) {
      stopped_ = false;
      return;
    }
    // Connect failed at Ping: the client exists; start and wait.
    if (!Start(probe, kEngineLimit)) {
      ADD_FAILURE() << "dockerd did not come back; see " << kDockerdLog;
    }
  }

 private:
  static pid_t ReadPid() {
    std::string s = ReadFile(kPidFile);
    return s.empty() ? -1 : static_cast<pid_t>(std::atol(s.c_str()));
  }

  std::vector<std::string> argv_;
  bool stopped_ = false;
};

// A service waiting for another's slow health check keeps the reconcile in
// progress for several seconds; `side` has no dependency. Short stop grace
// periods keep dockerd's shutdown short.
std::string SlowStack(const std::string& name) {
  return "apiVersion: berth.dev/v1alpha1\n"
         "kind: Stack\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "spec:\n"
         "  services:\n"
         "    slow:\n"
         "      image: berth-test/busybox:1\n"
         "      imagePullPolicy: Never\n"
         "      command: [sh, -c, \"sleep 6; touch /tmp/ready; exec berth-echo 8080\"]\n"
         "      stopGracePeriod: 1s\n"
         "      healthcheck:\n"
         "        test: [CMD, test, -f, /tmp/ready]\n"
         "        interval: 1s\n"
         "        retries: 120\n"
         "    app:\n"
         "      image: berth-test/busybox:1\n"
         "      imagePullPolicy: Never\n"
         "      command: [berth-echo, \"8080\"]\n"
         "      stopGracePeriod: 1s\n"
         "      dependsOn:\n"
         "        slow: healthy\n"
         "    side:\n"
         "      image: berth-test/busybox:1\n"
         "      imagePullPolicy: Never\n"
         "      command: [berth-echo, \"8080\"]\n"
         "      stopGracePeriod: 1s\n";
}

std::string SmallStack(const std::string& name) {
  return "apiVersion: berth.dev/v1alpha1\n"
         "kind: Stack\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "spec:\n"
         "  services:\n"
         "    web:\n"
         "      image: berth-test/busybox:1\n"
         "      imagePullPolicy: Never\n"
         "      command: [berth-echo, \"8080\"]\n"
         "      stopGracePeriod: 1s\n";
}

// The condition `type` of a Stack read with `berth get -o json`.
json Condition(const json& stack, const std::string& type) {
  if (!stack.is_object() || !stack.contains("status")) return json();
  for (const json& c : stack["status"].value("conditions", json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return json();
}

class EngineRestartFault : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
    if (auto why = dockerd_.Check()) BERTH_E2E_SKIP(*why);
    docker_.CleanStack(kStack);
    docker_.CleanStack(kLate);
  }
  void TearDown() override {
    dockerd_.EnsureRunning();  // before anything else needs the engine
    if (HasFailure() && server_) std::cerr << "---- berth serve log\n" << server_->log() << "\n";
    if (server_) server_->Terminate();
    DockerEnv cleanup;
    if (cleanup.Connect({}) == std::nullopt) {
      cleanup.CleanStack(kStack);
      cleanup.CleanStack(kLate);
    }
  }

  // Names of this run's own: a container of an earlier run can outlive
  // every attempt to remove it (dockerd stopped while it removed it leaves
  // it "Removal In Progress" for good), and its name would be taken.
  const std::string suffix_ = RandomHex(3);
  const std::string kStack = "fault-engine-" + suffix_;
  const std::string kLate = "fault-engine-late-" + suffix_;
  DockerEnv docker_;
  Dockerd dockerd_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
};

TEST_F(EngineRestartFault, ReportsEngineUnavailableKeepsServingAndConvergesAfterRestart) {
  server_ = std::make_unique<StackServer>(tmp_.path());
  if (auto why = server_->Start()) {
    if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
    FAIL() << *why;
  }
  ASSERT_TRUE(server_->WaitLeading(seconds(30))) << server_->log();
  const std::string stack = kStack;

  // Mid-reconcile: `slow` runs but is not healthy yet, so `app` waits.
  RunResult r = server_->Apply(SlowStack(stack));
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(Eventually(
      [&] {
        auto c = docker_.Inspect(stack + "-slow");
        return c && c->state.running;
      },
      seconds(60)))
      << server_->log();
  ASSERT_FALSE(docker_.Inspect(stack + "-app")) << "the reconcile finished before the fault";
  json before = server_->Get("stack", stack);
  ASSERT_TRUE(before.is_object());
  ASSERT_NE(before.value("status", json::object()).value("phase", ""), "Ready") << before.dump();

  auto t0 = Steady::now();
  // How long dockerd takes to stop and start grows with the containers on the
  // engine (it stops and restarts them all): say how many there were.
  auto all = docker_.client().ListContainers({});
  size_t on_engine = all.ok() ? all->size() : 0;
  ASSERT_TRUE(dockerd_.Stop(docker_, kEngineLimit)) << "dockerd did not stop";
  auto stopped = Steady::now() - t0;

  // berth reports the engine as unavailable: on the Stack...
  json cond_ready, cond_degraded;
  bool reported = Eventually(
      [&] {
        json s = server_->Get("stack", stack);
        cond_ready = Condition(s, "Ready");
        cond_degraded = Condition(s, "Degraded");
        return cond_ready.value("reason", "") == "EngineUnavailable" &&
               cond_degraded.value("reason", "") == "EngineUnavailable";
      },
      seconds(60), milliseconds(200));
  auto reported_after = Steady::now() - t0;
  EXPECT_TRUE(reported) << "Ready: " << cond_ready.dump() << "\nDegraded: " << cond_degraded.dump()
                        << "\n"
                        << server_->log();
  EXPECT_EQ(cond_ready.value("status", ""), "False");
  EXPECT_EQ(cond_degraded.value("status", ""), "True");
  EXPECT_NE(cond_degraded.value("message", "").find("Docker engine"), std::string::npos)
      << cond_degraded.dump();
  // ... and in /readyz, naming the check that fails.
  HttpResult ready = Http(server_->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.body.find("[-]docker"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("[+]store"), std::string::npos) << ready.body;
  EXPECT_EQ(Http(server_->port(), "GET", "/healthz").status, 200);

  // The API keeps serving: get, list, apply.
  r = server_->Berth({"get", "stacks"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(stack), std::string::npos) << r.out;
  r = server_->Apply(SmallStack(kLate));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  r = server_->Berth({"get", "stacks", "-o", "name"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/" + kLate), std::string::npos) << r.out;
  EXPECT_FALSE(server_->Get("stack", kLate).is_null());
  r = server_->Berth({"describe", "stack", stack});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("EngineUnavailable"), std::string::npos) << r.out;

  // The engine comes back: berth converges without help.
  auto t1 = Steady::now();
  ASSERT_TRUE(dockerd_.Start(docker_, kEngineLimit))
      << "dockerd did not start; see " << kDockerdLog;
  auto restarted = Steady::now() - t1;
  for (const std::string& s : {stack, kLate}) {
    r = server_->Berth({"wait", "--for=condition=Ready", "stack/" + s, "--timeout=120s"});
    ASSERT_EQ(r.code, 0) << s << ": " << r.out << r.err << "\n" << server_->log();
  }
  auto converged = Steady::now() - t1;
  for (std::string svc : {"slow", "app", "side"}) {
    auto c = docker_.Inspect(stack + "-" + svc);
    ASSERT_TRUE(c) << svc;
    EXPECT_TRUE(c->state.running) << svc;
  }
  auto late = docker_.Inspect(kLate + "-web");
  ASSERT_TRUE(late);
  EXPECT_TRUE(late->state.running);
  EXPECT_EQ(docker_.OwnedContainers(stack), 3u) << "a container was made twice";
  EXPECT_EQ(docker_.OwnedContainers(kLate), 1u);
  json after = server_->Get("stack", stack);
  EXPECT_EQ(Condition(after, "Ready").value("status", ""), "True") << after.dump();
  EXPECT_EQ(Condition(after, "Degraded").value("status", "False"), "False") << after.dump();
  EXPECT_TRUE(Eventually([&] { return Http(server_->port(), "GET", "/readyz").status == 200; },
                         seconds(30)));
  std::cout << "engine restart (" << on_engine << " containers on the engine): dockerd stopped in "
            << Ms(stopped) << " ms; EngineUnavailable reported " << Ms(reported_after)
            << " ms after SIGTERM; dockerd answered " << Ms(restarted)
            << " ms after start; both Stacks Ready " << Ms(converged) << " ms after start\n";
}

}  // namespace
}  // namespace berth::e2e
