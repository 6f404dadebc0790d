// uni-load (seed 003) end to end: uni-api reads an api.yaml rendered from
// Provider records and has no hot reload, so after every provider change the
// seed's operator restarted it by hand. With manifests/test/uni-load.yaml
// berth renders /home/api.yaml, `berth diff` shows the rendered change (keys
// redacted) before it is applied, and applying a Provider or key change
// recreates exactly uni-api: gpt-load and uni-load-improved keep their
// containers. The keys reach uni-api only inside the mounted file.
#include <gtest/gtest.h>

#include <cstdio>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::seconds;

constexpr const char* kStack = "uni-load";
const std::vector<std::string> kServices = {"gpt-load", "uni-api", "uni-load-improved"};

// `docker inspect NAME` as a user would run it (stdout and stderr).
std::string DockerInspect(const std::string& name) {
  std::string out;
  FILE* p = ::popen(("docker inspect " + name + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

class UniLoadE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
    docker_.CleanStack(kStack, kServices);
    server_ = std::make_unique<StackServer>(tmp_.path());
    if (auto why = server_->Start()) {
      if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
      FAIL() << *why;
    }
    yaml_ = ReadFile(ManifestPath("test/uni-load.yaml"));
  }
  void TearDown() override {
    if (HasFailure() && server_) {
      std::cerr << server_->Berth({"describe", "stack", kStack}).out << "---- server log\n"
                << server_->log() << "\n";
    }
    if (server_) {
      (void)server_->Berth({"delete", "stack", kStack, "--wait", "--timeout", "60s"});
      server_->Terminate();
    }
    if (docker_.Connect({}) == std::nullopt) docker_.CleanStack(kStack, kServices);
  }

  void ApplyAndWaitReady(const std::string& yaml) {
    RunResult r = server_->Apply(yaml);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    r = server_->Berth(
        {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=180s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
  std::map<std::string, std::string> ContainerIds() {
    std::map<std::string, std::string> ids;
    for (const std::string& s : kServices) {
      auto info = docker_.Inspect(s);
      ids[s] = info ? info->id : "";
    }
    return ids;
  }
  std::string ApiYaml() { return docker_.Exec("uni-api", {"cat", "/home/api.yaml"}).second; }
  // Waits until uni-api runs a container other than `old_id` and the Stack
  // is Ready again.
  void WaitRecreated(const std::string& old_id) {
    EXPECT_TRUE(Eventually(
        [&] {
          auto info = docker_.Inspect("uni-api");
          return info && info->id != old_id && info->state.running;
        },
        std::chrono::seconds(120)))
        << "uni-api was not recreated";
    RunResult r = server_->Berth(
        {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=180s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }

  DockerEnv docker_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
  std::string yaml_;
};

TEST_F(UniLoadE2E, ProviderChangesRecreateExactlyTheirConsumer) {
  ApplyAndWaitReady(yaml_);
  std::string api = ApiYaml();
  EXPECT_NE(api.find("https://api.deepseek.com/v1/chat/completions"), std::string::npos) << api;
  EXPECT_NE(api.find("sk-test-deepseek"), std::string::npos) << api;
  EXPECT_NE(api.find("http://gpt-load:3001/proxy/openai/v1/chat/completions"), std::string::npos)
      << api;
  auto before = ContainerIds();
  for (const auto& [svc, id] : before) ASSERT_FALSE(id.empty()) << svc << " has no container";
  // The key is in the mounted file only: not in the container's config.
  EXPECT_EQ(DockerInspect("uni-api").find("sk-test-deepseek"), std::string::npos);

  // `berth diff` shows the rendered api.yaml change before it is applied,
  // with the key as a marker, and changes nothing.
  std::string moved = EditManifest(yaml_, [](json& d) {
    if (d.value("kind", "") == "Provider" && d["metadata"].value("name", "") == "deepseek") {
      d["spec"]["baseURL"] = "https://api.deepseek.example/v2";
    }
  });
  RunResult diff = server_->Berth({"diff", "-f", "-"}, moved);
  EXPECT_EQ(diff.code, 1) << diff.out << diff.err;
  EXPECT_NE(diff.out.find("rendered/"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("+    base_url: \"https://api.deepseek.example/v2/chat/completions\""),
            std::string::npos)
      << diff.out;
  EXPECT_EQ(diff.out.find("sk-test-deepseek"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("<redacted:sha256:"), std::string::npos) << diff.out;
  EXPECT_EQ(ContainerIds(), before) << "diff changed something";

  // Applied: uni-api alone is recreated, with the new file.
  RunResult r = server_->Apply(moved);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  WaitRecreated(before["uni-api"]);
  auto after = ContainerIds();
  EXPECT_EQ(after["gpt-load"], before["gpt-load"]);
  EXPECT_EQ(after["uni-load-improved"], before["uni-load-improved"]);
  api = ApiYaml();
  EXPECT_NE(api.find("https://api.deepseek.example/v2/chat/completions"), std::string::npos) << api;

  // A rotated key in the Provider's Secret: uni-api again, and only it.
  std::string rotated = EditManifest(moved, [](json& d) {
    if (d.value("kind", "") == "Secret" && d["metadata"].value("name", "") == "provider-keys") {
      d["stringData"]["deepseek"] = "sk-test-deepseek-rotated";
    }
  });
  r = server_->Apply(rotated);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  WaitRecreated(after["uni-api"]);
  auto third = ContainerIds();
  EXPECT_EQ(third["gpt-load"], before["gpt-load"]);
  EXPECT_EQ(third["uni-load-improved"], before["uni-load-improved"]);
  EXPECT_NE(ApiYaml().find("sk-test-deepseek-rotated"), std::string::npos);

  // Re-applying the same manifest changes nothing.
  r = server_->Apply(rotated);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  RunResult same = server_->Berth({"diff", "-f", "-"}, rotated);
  EXPECT_EQ(same.code, 0) << same.out << same.err;
  EXPECT_EQ(ContainerIds(), third);

  // Neither key shows in the server's log or the Stack's description.
  std::string described = server_->Berth({"describe", "stack", kStack}).out;
  for (const char* key : {"sk-test-deepseek", "sk-test-gpt-load-proxy-key"}) {
    EXPECT_EQ(server_->log().find(key), std::string::npos) << key << " in the server log";
    EXPECT_EQ(described.find(key), std::string::npos) << key << " in describe";
  }
}

}  // namespace
}  // namespace berth::e2e
