// Image pull for real: Debian's docker-registry on 127.0.0.1, with and without
// htpasswd auth. The test pushes a local image into it with the docker CLI (a
// throwaway DOCKER_CONFIG keeps the user's credentials untouched), removes the
// local tag and pulls it back through DockerClient.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "operator/common/strings.h"
#include "test/docker/docker_fixture.h"

extern char** environ;

namespace berth::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

int FreePort() {
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

// A docker-registry process on 127.0.0.1:<free port>, storage in a temp dir.
class Registry {
 public:
  ~Registry() { Stop(); }

  // Empty string on success, else why it could not start.
  std::string Start(const std::string& htpasswd_file) {
    dir_ = std::filesystem::temp_directory_path() / ("berth-registry-" + RandomHex(4));
    std::filesystem::create_directories(dir_ / "data");
    port_ = FreePort();
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
    std::string bin = "/usr/bin/docker-registry", serve = "serve";
    char* argv[] = {bin.data(), serve.data(), config.data(), nullptr};
    int rc = posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      return "cannot run " + bin;
    }
    if (!WaitFor([&] { return Listening(port_); }, 30s)) return "registry did not listen: " + Log();
    return "";
  }

  void Stop() {
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

  std::string Log() const {
    std::ifstream in(dir_ / "registry.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

class DockerPull : public DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string missing;
    if (access("/usr/bin/docker-registry", X_OK) != 0) missing = "docker-registry";
    if (RunCommand("docker version --format '{{.Client.Version}}'").exit_code != 0) {
      missing = "the docker CLI";
    }
    if (!missing.empty()) {
      if (RequireAll()) FAIL() << missing << " is not installed";
      GTEST_SKIP() << missing << " is not installed";
    }
    docker_config_ = std::filesystem::temp_directory_path() / ("berth-dockercfg-" + RandomHex(4));
    std::filesystem::create_directories(docker_config_);
  }
  void TearDown() override {
    for (const auto& ref : refs_) (void)client().RemoveImage(ref, true);
    registry_.Stop();
    std::error_code ec;
    if (!docker_config_.empty()) std::filesystem::remove_all(docker_config_, ec);
    DockerTest::TearDown();
  }

  // The docker CLI with a throwaway config directory.
  CommandResult Cli(const std::string& args) {
    return RunCommand("DOCKER_CONFIG=" + ShellQuote(docker_config_.string()) + " docker " + args);
  }

  // Tags busybox as <registry>/berth-test/<repo>:1, pushes it, drops the local tag.
  std::string PushBusybox(const std::string& repo) {
    std::string ref = registry_.host() + "/berth-test/" + repo + ":1";
    refs_.push_back(ref);
    Status st = client().TagImage(kBusybox, registry_.host() + "/berth-test/" + repo, "1");
    EXPECT_TRUE(st.ok()) << st.ToString();
    auto push = Cli("push " + ShellQuote(ref));
    EXPECT_EQ(push.exit_code, 0) << push.output << registry_.Log();
    EXPECT_TRUE(client().RemoveImage(ref, false).ok());
    EXPECT_EQ(client().InspectImage(ref).status().code(), Code::kNotFound);
    return ref;
  }

  Registry registry_;
  std::filesystem::path docker_config_;
  std::vector<std::string> refs_;
};

TEST_F(DockerPull, PullsFromALocalRegistryWithProgress) {
  if (!RequireImage(kBusybox)) return;
  std::string err = registry_.Start("");
  ASSERT_EQ(err, "");
  std::string ref = PushBusybox("pull-" + RandomHex(3));
  if (HasFailure()) return;

  std::vector<docker::PullProgress> progress;
  Status st = client().PullImage(
      ref, nullptr, [&](const docker::PullProgress& p) { progress.push_back(p); }, 120s);
  ASSERT_TRUE(st.ok()) << st.ToString() << registry_.Log();
  ASSERT_FALSE(progress.empty());
  bool saw_digest = false;
  for (const auto& p : progress) saw_digest |= StartsWith(p.status, "Digest: sha256:");
  EXPECT_TRUE(saw_digest);
  EXPECT_THAT(progress.back().status, HasSubstr("Downloaded newer image"));
  auto img = client().InspectImage(ref);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_THAT(img->repo_tags, ::testing::Contains(ref));

  // A second pull is a no-op that still succeeds.
  progress.clear();
  st = client().PullImage(
      ref, nullptr, [&](const docker::PullProgress& p) { progress.push_back(p); }, 120s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_THAT(progress.back().status, HasSubstr("Image is up to date"));

  // An unknown tag fails the pull with NotFound.
  st = client().PullImage(registry_.host() + "/berth-test/no-such-repo:1", nullptr, nullptr, 60s);
  EXPECT_EQ(st.code(), Code::kNotFound) << st.ToString();
}

TEST_F(DockerPull, PullsWithRegistryAuth) {
  if (!RequireImage(kBusybox)) return;
  if (RunCommand("command -v htpasswd").exit_code != 0) {
    if (RequireAll()) FAIL() << "htpasswd (apache2-utils) is not installed";
    GTEST_SKIP() << "htpasswd (apache2-utils) is not installed";
  }
  std::string htpasswd = (docker_config_ / "htpasswd").string();
  auto gen = RunCommand("htpasswd -Bbn berth 'pull-secret' > " + ShellQuote(htpasswd));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  ASSERT_EQ(registry_.Start(htpasswd), "");
  auto login =
      RunCommand("echo pull-secret | DOCKER_CONFIG=" + ShellQuote(docker_config_.string()) +
                 " docker login -u berth --password-stdin " + registry_.host());
  ASSERT_EQ(login.exit_code, 0) << login.output;
  std::string ref = PushBusybox("auth-" + RandomHex(3));
  if (HasFailure()) return;

  Status st = client().PullImage(ref, nullptr, nullptr, 60s);
  EXPECT_EQ(st.code(), Code::kUnauthorized) << st.ToString();
  docker::RegistryAuth wrong{"berth", "not-the-secret", registry_.host()};
  st = client().PullImage(ref, &wrong, nullptr, 60s);
  EXPECT_EQ(st.code(), Code::kUnauthorized) << st.ToString();
  EXPECT_EQ(client().InspectImage(ref).status().code(), Code::kNotFound);

  docker::RegistryAuth right{"berth", "pull-secret", registry_.host()};
  int lines = 0;
  st = client().PullImage(
      ref, &right, [&](const docker::PullProgress&) { ++lines; }, 120s);
  ASSERT_TRUE(st.ok()) << st.ToString() << registry_.Log();
  EXPECT_GT(lines, 0);
  EXPECT_TRUE(client().InspectImage(ref).ok());
}

}  // namespace
}  // namespace berth::testing
