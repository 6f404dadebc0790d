// Apply-time validation of Stacks through the real binary: `berth apply -f`
// of bad Stacks against a real `berth serve` (controllers on, as deployed).
// For each of issue 4's cases the apply exits non-zero, names the file,
// document, object and field path (FILE: document N (Kind/name): field.path:
// message), and stores nothing, not even the valid documents beside it.
#include <gtest/gtest.h>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::seconds;

#define EXPECT_HAS(haystack, needle)                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"                    \
      << (haystack)

// A Secret stored only if the whole file is: it precedes the bad Stack.
const char* kSecretDoc = R"(apiVersion: berth.dev/v1alpha1
kind: Secret
metadata:
  name: adm-secret
stringData:
  password: adm-pw
---
)";

std::string StackDoc(const std::string& name, const std::string& spec) {
  return "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: " + name + "\nspec:\n" +
         spec;
}

class StackAdmissionE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/busybox:1"})) BERTH_E2E_SKIP(*why);
    docker_.CleanStack("adm-one");
    server_ = std::make_unique<StackServer>(tmp_.path());
    if (auto why = server_->Start()) {
      if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
      FAIL() << *why;
    }
  }
  void TearDown() override {
    if (server_) {
      (void)server_->Berth({"delete", "stack", "adm-one", "--wait", "--ignore-not-found"});
      server_->Terminate();
    }
    if (docker_.Connect({}) == std::nullopt) docker_.CleanStack("adm-one");
  }

  // Applies `yaml` from a file; expects refusal with `field` and `message`
  // in the error line of document `doc` (Stack/`name`), and nothing stored.
  void ExpectRefused(const std::string& file, const std::string& yaml, int doc,
                     const std::string& name, const std::string& field,
                     const std::string& message) {
    SCOPED_TRACE(file);
    std::string path = tmp_.path() + "/" + file;
    WriteFile(path, yaml);
    RunResult r = server_->Berth({"apply", "-f", path});
    EXPECT_NE(r.code, 0) << r.out << r.err;
    std::string head = path + ": document " + std::to_string(doc) + " (Stack/" + name + "): ";
    EXPECT_HAS(r.err, head + field + ": ");
    // The message is on the line that names the field.
    size_t at = r.err.find(head + field + ": ");
    std::string line = at == std::string::npos ? "" : r.err.substr(at, r.err.find('\n', at) - at);
    EXPECT_HAS(line, message);
    EXPECT_HAS(r.err, "nothing was applied");
    EXPECT_EQ(r.out, "") << "nothing may be reported as applied";
    EXPECT_NE(server_->Berth({"get", "stack", name}).code, 0) << name << " was stored";
    EXPECT_NE(server_->Berth({"get", "secret", "adm-secret"}).code, 0)
        << "the Secret beside the bad Stack was stored";
  }

  DockerEnv docker_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
};

TEST_F(StackAdmissionE2E, BadStacksAreRefusedWithTheirFieldPathAndNothingIsStored) {
  // A dependsOn cycle, and an unknown dependsOn name.
  ExpectRefused("cycle.yaml", std::string(kSecretDoc) + StackDoc("adm-cycle", R"(  services:
    a: {image: berth-test/busybox:1, dependsOn: {b: started}}
    b: {image: berth-test/busybox:1, dependsOn: {c: started}}
    c: {image: berth-test/busybox:1, dependsOn: {a: started}}
)"),
                2, "adm-cycle", "spec.services.c.dependsOn.a",
                "dependency cycle: a -> b -> c -> a");
  ExpectRefused("unknown-dep.yaml", std::string(kSecretDoc) + StackDoc("adm-unknown", R"(  services:
    web: {image: berth-test/busybox:1, dependsOn: {db: healthy}}
)"),
                2, "adm-unknown", "spec.services.web.dependsOn.db",
                "Not found: no service named \"db\"");

  // A host port published twice within one Stack.
  ExpectRefused("ports-twice.yaml", std::string(kSecretDoc) + StackDoc("adm-ports", R"(  services:
    a: {image: berth-test/busybox:1, ports: ["127.0.0.1:18431:80"]}
    b: {image: berth-test/busybox:1, ports: ["18431:8080"]}
)"),
                2, "adm-ports", "spec.services.b.ports[0]",
                "Duplicate value: host port 18431/tcp is already published by "
                "spec.services.a.ports[0]");

  // A gpt-load upstream that points at gpt-load itself (seed 000's warning).
  ExpectRefused("gptload-loop.yaml",
                std::string(kSecretDoc) + StackDoc("adm-gptload", R"(  services:
    gpt-load:
      image: berth-test/busybox:1
      containerName: share_gptload
      ports: ["127.0.0.1:3001:3001"]
      env:
        UPSTREAM_URL: http://share_gptload:3001
)"),
                2, "adm-gptload", "spec.services.gpt-load.env.UPSTREAM_URL",
                "points back at service \"gpt-load\" itself (share_gptload:3001)");

  // A LiteLLM config file whose MCP server URL points at LiteLLM itself.
  ExpectRefused("litellm-loop.yaml",
                std::string(kSecretDoc) + StackDoc("adm-litellm", R"(  services:
    playwright: {image: berth-test/busybox:1, containerName: share_playwright}
    litellm:
      image: berth-test/busybox:1
      containerName: share_litellm
      ports: ["127.0.0.1:4000:4000"]
      configFiles:
        - path: /app/config.yaml
          content: |
            mcp_servers:
              playwright:
                url: http://share_playwright:7070/mcp
              hub:
                url: http://share_litellm:4000/mcp
                transport: http
)"),
                2, "adm-litellm", "spec.services.litellm.configFiles[0].content",
                "a URL points back at service \"litellm\" itself (share_litellm:4000)");

  // Published ports on a service whose networks are all internal.
  ExpectRefused("internal-ports.yaml",
                std::string(kSecretDoc) + StackDoc("adm-internal", R"(  networks:
    share_internal: {internal: true}
  services:
    postgres:
      image: berth-test/busybox:1
      networks: [share_internal]
      ports: ["127.0.0.1:15439:5432"]
)"),
                2, "adm-internal", "spec.services.postgres.ports",
                "Forbidden: the service is only on internal networks");

  // GpuNode placement, which is not built: refused, not run on this host.
  ExpectRefused("placement.yaml", std::string(kSecretDoc) + StackDoc("adm-placement", R"(  services:
    vllm:
      image: berth-test/busybox:1
      resources: {gpus: {count: 1}}
      placement: {gpuNodeSelector: {zone: b}}
)"),
                2, "adm-placement", "spec.services.vllm.placement",
                "placement on a GpuNode is not implemented yet");

  RunResult r = server_->Berth({"get", "stacks", "-o", "name"});
  EXPECT_EQ(r.out, "") << "no Stack may have been stored";
}

TEST_F(StackAdmissionE2E, AHostPortAnotherStackPublishesIsRefused) {
  int port = FreePort();
  std::string p = std::to_string(port);
  std::string one = StackDoc("adm-one",
                             "  services:\n    web:\n"
                             "      image: berth-test/busybox:1\n"
                             "      imagePullPolicy: Never\n"
                             "      command: [berth-echo, \"8080\"]\n"
                             "      ports: [\"127.0.0.1:" +
                                 p + ":8080\"]\n");
  std::string path = tmp_.path() + "/one.yaml";
  WriteFile(path, one);
  RunResult r = server_->Berth({"apply", "-f", path});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json before = server_->Get("stack", "adm-one");
  ASSERT_TRUE(before.is_object());

  // The second Stack publishes the same host port (on every address).
  ExpectRefused("two.yaml",
                std::string(kSecretDoc) + StackDoc("adm-two",
                                                   "  services:\n    api:\n"
                                                   "      image: berth-test/busybox:1\n"
                                                   "      ports: [\"" +
                                                       p + ":9090\"]\n"),
                2, "adm-two", "spec.services.api.ports[0]",
                "Duplicate value: host port " + p +
                    "/tcp is already published by Stack default/adm-one service web");
  // The first is untouched.
  json after = server_->Get("stack", "adm-one");
  EXPECT_EQ(after["metadata"]["generation"], before["metadata"]["generation"]);
  EXPECT_EQ(after["spec"], before["spec"]);
  // ... and, once it is gone, the port is free for the second.
  r = server_->Berth({"delete", "stack", "adm-one", "--wait"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string two = StackDoc("adm-two",
                             "  services:\n    api:\n"
                             "      image: berth-test/busybox:1\n"
                             "      imagePullPolicy: Never\n"
                             "      command: [sleep, \"3600\"]\n"
                             "      ports: [\"127.0.0.1:" +
                                 p + ":9090\"]\n");
  WriteFile(tmp_.path() + "/two-again.yaml", two);
  r = server_->Berth({"apply", "-f", tmp_.path() + "/two-again.yaml", "--dry-run=server"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace berth::e2e
