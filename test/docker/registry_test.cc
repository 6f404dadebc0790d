// Image pull for real: Debian's docker-registry on 127.0.0.1, with and without
// htpasswd auth. The test pushes a local image into it with the docker CLI (a
// throwaway DOCKER_CONFIG keeps the user's credentials untouched), removes the
// local tag and pulls it back through DockerClient.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "operator/common/strings.h"
#include "test/docker/docker_fixture.h"
#include "test/docker/local_registry.h"

namespace berth::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class DockerPull : public DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string missing;
    if (access(kDockerRegistryBin, X_OK) != 0) missing = "docker-registry";
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

  LocalRegistry registry_;
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
