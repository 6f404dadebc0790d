// imagePullSecrets end to end: Debian's docker-registry on 127.0.0.1 behind
// htpasswd, an image pushed to it with the docker CLI (a throwaway
// DOCKER_CONFIG), and a Stack that runs it through the real `berth serve`.
// Without a pull Secret and with a wrong password the service reports a pull
// error naming the image (and no credential anywhere); with the right
// credentials, in the .dockerconfigjson form `kubectl create secret
// docker-registry` writes, it pulls (Pulling / Pulled Events) and is Ready.
#include <gtest/gtest.h>
#include <unistd.h>

#include "operator/common/strings.h"
#include "test/docker/local_registry.h"
#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

#define EXPECT_HAS(haystack, needle)                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"                    \
      << (haystack)

constexpr const char* kStack = "pull-e2e";
constexpr const char* kUser = "berth-puller";
constexpr const char* kPassword = "right-pull-pw-4711";
constexpr const char* kWrongPassword = "wrong-pull-pw-0815";

class StackRegistryE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
    for (const char* tool : {testing::kDockerRegistryBin, "/usr/bin/htpasswd", "/usr/bin/docker"}) {
      if (access(tool, X_OK) != 0) BERTH_E2E_SKIP(std::string(tool) + " is not installed");
    }
    docker_.CleanStack(kStack);
    // The registry, behind basic auth.
    RunResult h = Run({"/usr/bin/htpasswd", "-Bbn", kUser, kPassword});
    ASSERT_EQ(h.code, 0) << h.err;
    std::string htpasswd = tmp_.path() + "/htpasswd";
    WriteFile(htpasswd, h.out);
    std::string err = registry_.Start(htpasswd);
    ASSERT_EQ(err, "");
    // An image only the registry has: busybox under the registry's name,
    // pushed, and the local tag dropped.
    image_ = registry_.host() + "/berth-e2e/echo:1";
    ASSERT_TRUE(docker_.client()
                    .TagImage("berth-test/busybox:1", registry_.host() + "/berth-e2e/echo", "1")
                    .ok());
    RunResult login =
        Docker({"login", "-u", kUser, "--password-stdin", registry_.host()}, kPassword);
    ASSERT_EQ(login.code, 0) << login.out << login.err;
    RunResult push = Docker({"push", image_});
    ASSERT_EQ(push.code, 0) << push.out << push.err << registry_.Log();
    ASSERT_TRUE(docker_.client().RemoveImage(image_, false).ok());
    ASSERT_EQ(docker_.client().InspectImage(image_).status().code(), Code::kNotFound);

    server_ = std::make_unique<StackServer>(tmp_.path());
    if (auto why = server_->Start()) {
      if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
      FAIL() << *why;
    }
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      std::cerr << "---- berth describe stack " << kStack << "\n"
                << server_->Berth({"describe", "stack", kStack}).out << "---- server log (tail)\n";
      std::string log = server_->log();
      std::cerr << (log.size() > 20000 ? log.substr(log.size() - 20000) : log) << "\n";
    }
    if (server_) {
      (void)server_->Berth({"delete", "stack", kStack, "--wait", "--ignore-not-found"});
      server_->Terminate();
    }
    if (docker_.Connect({}) == std::nullopt) {
      docker_.CleanStack(kStack);
      if (!image_.empty()) (void)docker_.client().RemoveImage(image_, true);
    }
    registry_.Stop();
  }

  RunResult Run(const std::vector<std::string>& args, const std::string& stdin_text = "",
                std::map<std::string, std::string> env = {}) {
    env["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin";
    env["HOME"] = tmp_.path();
    Process p(args, env, tmp_.path(), stdin_text);
    RunResult r;
    r.code = p.Wait(seconds(120));
    r.out = p.out();
    r.err = p.err();
    return r;
  }
  // The docker CLI with a throwaway config directory (the user's stays untouched).
  RunResult Docker(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), "/usr/bin/docker");
    return Run(args, stdin_text, {{"DOCKER_CONFIG", tmp_.path() + "/docker-config"}});
  }

  std::string StackYaml(bool with_pull_secret) {
    return std::string("apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: ") +
           kStack + "\nspec:\n" +
           (with_pull_secret ? "  imagePullSecrets: [{name: regcred}]\n" : "") +
           "  services:\n"
           "    web:\n"
           "      image: " +
           image_ +
           "\n"
           "      imagePullPolicy: IfNotPresent\n"
           "      command: [berth-echo, \"8080\"]\n";
  }
  static std::string SecretYaml(const std::string& type, const std::string& string_data) {
    return "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: regcred\ntype: " +
           type + "\nstringData:\n" + string_data;
  }

  // Waits until the web service reports a pull error; returns its status.
  json WaitForPullError(const std::string& needle) {
    json st;
    bool seen = Eventually(
        [&] {
          st = server_->Get("stack", kStack)["status"];
          return st.is_object() &&
                 st["services"]["web"].value("lastError", "").find(needle) != std::string::npos;
        },
        seconds(120), milliseconds(200));
    EXPECT_TRUE(seen) << "no pull error with \"" << needle << "\":\n" << st.dump(2);
    return st;
  }

  // No credential in anything a user (or a log collector) can read.
  void ExpectNoCredentials() {
    std::vector<std::pair<std::string, std::string>> outputs = {
        {"get stack -o json", server_->Berth({"get", "stack", kStack, "-o", "json"}).out},
        {"describe stack", server_->Berth({"describe", "stack", kStack}).out},
        {"events", server_->Berth({"events"}).out},
        {"get events -o json", server_->Berth({"get", "events", "-o", "json"}).out},
        {"get secret -o yaml", server_->Berth({"get", "secret", "regcred", "-o", "yaml"}).out},
        {"server log", server_->log()}};
    for (const auto& [what, text] : outputs) {
      for (const std::string& secret : {std::string(kPassword), std::string(kWrongPassword),
                                        Base64Encode(std::string(kUser) + ":" + kPassword)}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << what << " shows a credential";
      }
    }
  }

  DockerEnv docker_;
  TempDir tmp_;
  testing::LocalRegistry registry_;
  std::string image_;
  std::unique_ptr<StackServer> server_;
};

TEST_F(StackRegistryE2E, PullsWithImagePullSecretsAndReportsRefusedPulls) {
  // No pull Secret: the registry refuses the anonymous pull.
  RunResult r = server_->Apply(StackYaml(false));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json st = WaitForPullError("pull " + image_ + ": ");
  const json& web = st["services"]["web"];
  EXPECT_EQ(web.value("phase", ""), "Failed") << web.dump();
  EXPECT_FALSE(web.contains("containerID"));
  EXPECT_NE(st.value("phase", ""), "Ready");
  std::cout << "without a pull Secret: " << web.value("lastError", "") << "\n";

  // A pull Secret (registry/username/password keys) with a wrong password.
  r = server_->Apply(SecretYaml("Opaque", std::string("  registry: ") + registry_.host() +
                                              "\n  username: " + kUser +
                                              "\n  password: " + kWrongPassword + "\n") +
                     "---\n" + StackYaml(true));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  st = WaitForPullError("pull " + image_ + " with credentials from Secret \"regcred\": ");
  EXPECT_EQ(st["services"]["web"].value("phase", ""), "Failed");
  std::cout << "with a wrong password: " << st["services"]["web"].value("lastError", "") << "\n";
  r = server_->Berth({"events"});
  EXPECT_HAS(r.out, "PullFailed");
  EXPECT_HAS(r.out, image_);
  ExpectNoCredentials();
  EXPECT_EQ(docker_.client().InspectImage(image_).status().code(), Code::kNotFound);

  // The right credentials, as `kubectl create secret docker-registry` writes
  // them (.dockerconfigjson, "auth" = base64 of user:password): changing the
  // Secret requeues the Stack, the pull succeeds, the Stack becomes Ready.
  std::string config = "{\"auths\": {\"" + registry_.host() + "\": {\"auth\": \"" +
                       Base64Encode(std::string(kUser) + ":" + kPassword) + "\"}}}";
  r = server_->Apply(
      SecretYaml("kubernetes.io/dockerconfigjson", "  .dockerconfigjson: '" + config + "'\n"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = server_->Berth(
      {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=120s"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  st = server_->Get("stack", kStack)["status"];
  EXPECT_EQ(st["services"]["web"].value("phase", ""), "Running") << st.dump(2);
  EXPECT_FALSE(st["services"]["web"].contains("lastError")) << st.dump(2);
  auto c = docker_.Inspect(st["services"]["web"].value("containerName", ""));
  ASSERT_TRUE(c && c->state.running);
  EXPECT_EQ(c->image, image_);
  EXPECT_TRUE(docker_.client().InspectImage(image_).ok());
  r = server_->Berth({"events"});
  EXPECT_HAS(r.out, "pulling image " + image_ + " with credentials from Secret regcred");
  EXPECT_HAS(r.out, "pulled image " + image_);
  EXPECT_HAS(r.out, "sha256:");
  ExpectNoCredentials();
}

}  // namespace
}  // namespace berth::e2e
