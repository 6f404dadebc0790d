#include "controllers/stack/validate.h"

#include <gtest/gtest.h>

#include "test/stack/fixtures.h"

namespace berth::stack {
namespace {

const api::ObjectRef kRef{"Stack", "default", "share"};

StackSpec Parse(const Json& j) {
  auto s = ParseStackSpec(j);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

std::vector<std::string> Fields(const Status& st) {
  std::vector<std::string> out;
  for (const auto& c : st.causes()) out.push_back(c.field);
  return out;
}

TEST(ValidateTest, SeedIsValid) {
  EXPECT_TRUE(ValidateStack(kRef, Parse(testing::ShareStacksSpec()), {}).ok());
}

TEST(ValidateTest, GatewayLoopIsRefused) {
  Json j = testing::ShareStacksSpec();
  j["services"]["gpt-load"]["env"]["UPSTREAM"] = "http://share_gptload:3001/v1";
  Status st = ValidateStack(kRef, Parse(j), {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(Fields(st), std::vector<std::string>{"spec.services.gpt-load.env.UPSTREAM"});
  EXPECT_NE(st.causes()[0].message.find("points back at service \"gpt-load\""), std::string::npos);
  // Another service's address is fine.
  j["services"]["gpt-load"]["env"]["UPSTREAM"] = "http://share_litellm:4000";
  EXPECT_TRUE(ValidateStack(kRef, Parse(j), {}).ok());
  // A service's own address as its token issuer or public URL is no loop
  // (seed 001's authz-service sets AUTHZ_ISSUER to itself).
  j["services"]["gpt-load"]["env"]["AUTHZ_ISSUER"] = "http://share_gptload:3001";
  j["services"]["gpt-load"]["env"]["PUBLIC_URL"] = "http://share_gptload:3001/";
  EXPECT_TRUE(ValidateStack(kRef, Parse(j), {}).ok());
}

// Seed 000: "do not point LiteLLM's MCP server URL at http://share_litellm:4000".
TEST(ValidateTest, LiteLlmMcpServerAtLiteLlmItselfIsRefused) {
  Json j = testing::ShareStacksSpec();
  auto config = [](const std::string& url) {
    return "mcp_servers:\n  playwright:\n    url: http://share_playwright:7070/mcp\n"
           "  loop:\n    url: " +
           url + "\n    transport: http\n";
  };
  j["services"]["litellm"] = api::Json::parse(R"({
    "image": "berth-test/busybox:1", "containerName": "share_litellm",
    "networks": ["panel"], "ports": ["127.0.0.1:4000:4000"],
    "configFiles": [{"path": "/app/config.yaml", "content": ""}]})");
  for (const char* url : {"http://share_litellm:4000", "http://share_litellm:4000/mcp",
                          "http://litellm:4000/sse", "http://SHARE_LITELLM:4000/"}) {
    j["services"]["litellm"]["configFiles"][0]["content"] = config(url);
    Status st = ValidateStack(kRef, Parse(j), {});
    ASSERT_FALSE(st.ok()) << url;
    EXPECT_EQ(Fields(st), std::vector<std::string>{"spec.services.litellm.configFiles[0].content"})
        << url;
    EXPECT_NE(st.causes()[0].message.find("points back at service \"litellm\""), std::string::npos)
        << st.causes()[0].message;
  }
  // MCP servers elsewhere (the seed's playwright) and LiteLLM's other ports are fine.
  j["services"]["litellm"]["configFiles"][0]["content"] =
      config("http://share_playwright:7070/sse");
  EXPECT_TRUE(ValidateStack(kRef, Parse(j), {}).ok());
  j["services"]["litellm"]["configFiles"][0]["content"] = config("http://share_litellm:9090/m");
  EXPECT_TRUE(ValidateStack(kRef, Parse(j), {}).ok());
}

// Loopback forms of the service's own address: from inside its container
// (localhost and friends on its container port) and through the host (its
// published host port, also via host.docker.internal).
TEST(ValidateTest, LoopbackFormsOfTheServiceItselfAreRefused) {
  Json base = testing::ShareStacksSpec();
  base["services"]["gpt-load"]["ports"] = {"127.0.0.1:13001:3001"};  // host 13001 -> 3001
  for (const char* url :
       {"http://localhost:3001/v1", "http://localhost:13001/v1", "http://127.0.0.1:13001",
        "http://127.0.0.1:3001", "http://127.1.2.3:3001", "http://[::1]:13001/v1",
        "http://0.0.0.0:3001", "http://[::]:13001", "https://LOCALHOST:13001",
        "http://host.docker.internal:13001/v1"}) {
    Json j = base;
    j["services"]["gpt-load"]["env"]["UPSTREAM"] = url;
    Status st = ValidateStack(kRef, Parse(j), {});
    ASSERT_FALSE(st.ok()) << url;
    EXPECT_EQ(Fields(st), std::vector<std::string>{"spec.services.gpt-load.env.UPSTREAM"}) << url;
    EXPECT_NE(st.causes()[0].message.find("points back at service \"gpt-load\" itself"),
              std::string::npos)
        << st.causes()[0].message;
  }
  // In a literal config file too, with the path of the file.
  Json j = base;
  j["services"]["gpt-load"]["configFiles"] = {
      {{"path", "/etc/gw.yaml"}, {"content", "upstream: http://host.docker.internal:13001\n"}}};
  Status st = ValidateStack(kRef, Parse(j), {});
  EXPECT_EQ(Fields(st), std::vector<std::string>{"spec.services.gpt-load.configFiles[0].content"});
  EXPECT_NE(st.causes()[0].message.find("published host port"), std::string::npos);

  // Other ports on loopback, host.docker.internal on its container port
  // only (not published as such), and other services' host ports are fine.
  for (const char* url :
       {"http://localhost:4000", "http://host.docker.internal:3001",
        "http://host.docker.internal:7443/provision/v1", "http://127.0.0.1:5432"}) {
    Json ok = base;
    ok["services"]["gpt-load"]["env"]["UPSTREAM"] = url;
    EXPECT_TRUE(ValidateStack(kRef, Parse(ok), {}).ok()) << url;
  }
  // A service without ports: loopback URLs cannot be told apart from others.
  Json noports = base;
  noports["services"]["playwright"]["env"]["TARGET"] = "http://localhost:3000";
  EXPECT_TRUE(ValidateStack(kRef, Parse(noports), {}).ok());
  // The service's own URL named after it (SearXNG's SEARXNG_BASE_URL) is no loop.
  Json own = base;
  own["services"]["gpt-load"]["env"]["GPT_LOAD_BASE_URL"] = "http://localhost:13001/";
  EXPECT_TRUE(ValidateStack(kRef, Parse(own), {}).ok());
}

TEST(ValidateTest, FindSelfLoopOfRoutedNames) {
  SelfAddress self;
  self.names = {"berth_beaver_alice", "alice"};
  self.ports = {8080};
  self.routed_names = {"alice.localhost"};
  EXPECT_EQ(FindSelfLoop(self, "http://alice.localhost:8088/v1"),
            "alice.localhost:8088, the router's host for it");
  EXPECT_EQ(FindSelfLoop(self, "https://Alice.localhost/v1"),
            "Alice.localhost:443, the router's host for it");
  EXPECT_EQ(FindSelfLoop(self, "http://berth_beaver_alice:8080"), "berth_beaver_alice:8080");
  EXPECT_EQ(FindSelfLoop(self, "http://localhost:8080"),
            "localhost:8080, its own container's loopback");
  EXPECT_EQ(FindSelfLoop(self, "http://bob.localhost:8088"), "");
  EXPECT_EQ(FindSelfLoop(self, "http://berth_beaver_alice:9090"), "");
}

TEST(ValidateTest, DuplicateHostPorts) {
  Json j = testing::ShareStacksSpec();
  j["services"]["playwright"]["ports"] = {"3001:7070"};  // 0.0.0.0:3001 clashes with 127.0.0.1:3001
  Status st = ValidateStack(kRef, Parse(j), {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.causes()[0].message.find("already published"), std::string::npos);

  Json other = testing::ShareStacksSpec();
  other["services"]["gpt-load"]["containerName"] = "other_gptload";
  for (auto& [n, s] : other["services"].items()) s.erase("containerName");
  Status cross = ValidateStack(kRef, Parse(testing::ShareStacksSpec()),
                               {{{"Stack", "default", "other"}, Parse(other)}});
  ASSERT_FALSE(cross.ok());
  EXPECT_NE(cross.causes()[0].message.find("Stack default/other"), std::string::npos);
}

TEST(ValidateTest, PublishedPortOnInternalOnlyService) {
  Json j = testing::ShareStacksSpec();
  j["networks"]["share_internal"] = {{"internal", true}};
  j["services"]["postgres"]["networks"] = {"share_internal"};
  j["services"]["postgres"]["ports"] = {"127.0.0.1:5439:5432"};
  Status st = ValidateStack(kRef, Parse(j), {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(Fields(st), std::vector<std::string>{"spec.services.postgres.ports"});
}

TEST(ValidateTest, UndeclaredNetworkAndVolume) {
  Json j = testing::ShareStacksSpec();
  j["services"]["valkey"]["networks"] = {"nowhere"};
  j["services"]["valkey"]["volumes"] = {"valkey-data:/data"};
  Status st = ValidateStack(kRef, Parse(j), {});
  EXPECT_EQ(Fields(st), (std::vector<std::string>{"spec.services.valkey.networks[0]",
                                                  "spec.services.valkey.volumes[0]"}));
}

// GpuNode placement is not built: a Stack asking for it is refused, not run
// on the local engine as if it had been placed.
TEST(ValidateTest, PlacementIsRefusedUntilItIsBuilt) {
  Json j = testing::ShareStacksSpec();
  j["services"]["gpt-load"]["placement"] = {{"gpuNodeSelector", {{"zone", "b"}}}};
  Status st = ValidateStack(kRef, Parse(j), {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(Fields(st), std::vector<std::string>{"spec.services.gpt-load.placement"});
  EXPECT_NE(st.causes()[0].message.find("not implemented"), std::string::npos);
  j["services"]["gpt-load"]["placement"] = {{"gpuNode", "server-b"}};
  EXPECT_EQ(Fields(ValidateStack(kRef, Parse(j), {})),
            std::vector<std::string>{"spec.services.gpt-load.placement"});
  // An empty placement asks for nothing: the local engine, as without it.
  j["services"]["gpt-load"]["placement"] = Json::object();
  EXPECT_TRUE(ValidateStack(kRef, Parse(j), {}).ok());
}

TEST(ValidateTest, FindUrls) {
  auto urls = FindUrls("a http://x:1/p and https://y and mcp://z:7070");
  ASSERT_EQ(urls.size(), 3u);
  EXPECT_EQ(urls[0], (std::pair<std::string, int>{"x", 1}));
  EXPECT_EQ(urls[1], (std::pair<std::string, int>{"y", 443}));
  EXPECT_EQ(urls[2], (std::pair<std::string, int>{"z", 7070}));
}

}  // namespace
}  // namespace berth::stack
