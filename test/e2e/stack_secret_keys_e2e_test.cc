// Exactly the consumers whose received value changed are recreated, on the
// real engine: services reading different keys of one Secret, a service
// reading only one field of a Provider, and one rendering the Provider into a
// file. And `berth diff` of a Stack whose provider selection changes shows
// the rendered file's change before anything is applied.
#include <gtest/gtest.h>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::seconds;

constexpr const char* kStack = "keys-e2e";
const std::vector<std::string> kServices = {"sa", "sb", "sc", "sr"};

// sa reads key a of Secret shared (as a file), sb key b (as env); sc only
// Provider up's baseURL; sr renders api.yaml from Provider up.
std::string Manifest(const std::string& a, const std::string& b, const std::string& models = "[m1]",
                     const std::string& rendered = "[keys-e2e-up]") {
  return R"(apiVersion: berth.dev/v1alpha1
kind: Secret
metadata: {name: keys-e2e-shared}
stringData: {a: ")" +
         a + R"(", b: ")" + b + R"("}
---
apiVersion: berth.dev/v1alpha1
kind: Secret
metadata: {name: keys-e2e-pk}
stringData: {up: sk-keys-e2e-up, alt: sk-keys-e2e-alt}
---
apiVersion: berth.dev/v1alpha1
kind: Provider
metadata: {name: keys-e2e-up}
spec:
  type: openai-compatible
  baseURL: http://llm-up.example.test/v1
  models: )" +
         models + R"(
  apiKeySecretRef: {name: keys-e2e-pk, key: up}
---
apiVersion: berth.dev/v1alpha1
kind: Provider
metadata: {name: keys-e2e-alt}
spec:
  type: openai-compatible
  baseURL: http://llm-alt.example.test/v1
  models: [alt-1]
  apiKeySecretRef: {name: keys-e2e-pk, key: alt}
---
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: keys-e2e}
spec:
  services:
    sa:
      image: berth-test/busybox:1
      command: [sleep, "3600"]
      labels: {berth.dev/test: "1"}
      env:
        A_TOKEN: {secretRef: {name: keys-e2e-shared, key: a}}
    sb:
      image: berth-test/busybox:1
      command: [sleep, "3600"]
      labels: {berth.dev/test: "1"}
      env:
        B_TOKEN: {secretRef: {name: keys-e2e-shared, key: b, as: env}}
    sc:
      image: berth-test/busybox:1
      command: [sleep, "3600"]
      labels: {berth.dev/test: "1"}
      env:
        UPSTREAM: {providerRef: {name: keys-e2e-up, field: baseURL}}
    sr:
      image: berth-test/busybox:1
      command: [sleep, "3600"]
      labels: {berth.dev/test: "1"}
      configFiles:
        - path: /home/api.yaml
          render:
            format: uni-api
            providers: )" +
         rendered + "\n";
}

class SecretKeysE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
    docker_.CleanStack(kStack);
    server_ = std::make_unique<StackServer>(tmp_.path());
    if (auto why = server_->Start()) {
      if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
      FAIL() << *why;
    }
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
    if (docker_.Connect({}) == std::nullopt) docker_.CleanStack(kStack);
  }

  void ApplyAndWaitReady(const std::string& yaml) {
    RunResult r = server_->Apply(yaml);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    r = server_->Berth(
        {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=180s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
  std::map<std::string, std::string> Ids() {
    std::map<std::string, std::string> ids;
    for (const std::string& s : kServices) {
      auto info = docker_.Inspect(std::string(kStack) + "-" + s);
      ids[s] = info && info->state.running ? info->id : "";
    }
    return ids;
  }
  // Applies `yaml`, waits until `changed` runs a new container and the Stack
  // is Ready, and checks that every other service kept its container.
  void ApplyExpectingOnly(const std::string& yaml, const std::string& changed) {
    auto before = Ids();
    RunResult r = server_->Apply(yaml);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    bool recreated = Eventually(
        [&] {
          std::string id = Ids()[changed];
          return !id.empty() && id != before[changed];
        },
        seconds(120), std::chrono::milliseconds(200));
    ASSERT_TRUE(recreated) << changed << " was not recreated";
    r = server_->Berth(
        {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=180s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    auto after = Ids();
    for (const std::string& s : kServices) {
      if (s != changed) {
        EXPECT_EQ(after[s], before[s]) << s << " was recreated too";
      }
    }
  }

  DockerEnv docker_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
};

TEST_F(SecretKeysE2E, ChangingOneKeyRecreatesOnlyItsConsumer) {
  ApplyAndWaitReady(Manifest("value-a1", "value-b1"));
  for (const auto& [svc, id] : Ids()) ASSERT_FALSE(id.empty()) << svc;
  EXPECT_EQ(docker_.Exec("keys-e2e-sa", {"cat", "/run/secrets/keys-e2e-shared/a"}).second,
            "value-a1");

  // Key b: sb alone (sa reads a of the same Secret).
  ApplyExpectingOnly(Manifest("value-a1", "value-b2"), "sb");
  EXPECT_EQ(docker_.Exec("keys-e2e-sb", {"sh", "-c", "echo $B_TOKEN"}).second, "value-b2\n");
  // Key a: sa alone.
  ApplyExpectingOnly(Manifest("value-a2", "value-b2"), "sa");
  EXPECT_EQ(docker_.Exec("keys-e2e-sa", {"cat", "/run/secrets/keys-e2e-shared/a"}).second,
            "value-a2");
  // Provider up's models: sr's api.yaml changes, sc reads only baseURL.
  ApplyExpectingOnly(Manifest("value-a2", "value-b2", "[m1, m2]"), "sr");
  EXPECT_NE(docker_.Exec("keys-e2e-sr", {"cat", "/home/api.yaml"}).second.find("\"m2\""),
            std::string::npos);

  // Re-applying: nothing at all, and `berth diff` agrees.
  auto steady = Ids();
  std::string same = Manifest("value-a2", "value-b2", "[m1, m2]");
  RunResult r = server_->Apply(same);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  RunResult diff = server_->Berth({"diff", "-f", "-"}, same);
  EXPECT_EQ(diff.code, 0) << diff.out << diff.err;
  EXPECT_EQ(Ids(), steady);
  for (const char* v : {"value-a2", "value-b2"}) {
    EXPECT_EQ(server_->log().find(v), std::string::npos) << v << " in the server log";
  }
}

TEST_F(SecretKeysE2E, DiffShowsTheRenderedChangeOfAnotherProviderSelection) {
  std::string yaml = Manifest("a", "b");
  ApplyAndWaitReady(yaml);
  auto before = Ids();
  std::string other = Manifest("a", "b", "[m1]", "[keys-e2e-alt]");
  RunResult diff = server_->Berth({"diff", "-f", "-"}, other);
  EXPECT_EQ(diff.code, 1) << diff.out << diff.err;
  // The Stack's own change, and the api.yaml it would render.
  EXPECT_NE(diff.out.find("diff -u -N live/rendered/default/keys-e2e/sr/home/api.yaml"),
            std::string::npos)
      << diff.out;
  EXPECT_NE(diff.out.find("-    base_url: \"http://llm-up.example.test/v1/chat/completions\""),
            std::string::npos)
      << diff.out;
  EXPECT_NE(diff.out.find("+    base_url: \"http://llm-alt.example.test/v1/chat/completions\""),
            std::string::npos)
      << diff.out;
  EXPECT_NE(diff.out.find("<redacted:sha256:"), std::string::npos) << diff.out;
  EXPECT_EQ(diff.out.find("sk-keys-e2e"), std::string::npos) << diff.out;
  EXPECT_EQ(Ids(), before) << "diff changed something";
  // Applied, the file is what the diff showed.
  ApplyExpectingOnly(other, "sr");
  EXPECT_NE(docker_.Exec("keys-e2e-sr", {"cat", "/home/api.yaml"}).second.find("llm-alt"),
            std::string::npos);
}

}  // namespace
}  // namespace berth::e2e
