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

TEST(ValidateTest, FindUrls) {
  auto urls = FindUrls("a http://x:1/p and https://y and mcp://z:7070");
  ASSERT_EQ(urls.size(), 3u);
  EXPECT_EQ(urls[0], (std::pair<std::string, int>{"x", 1}));
  EXPECT_EQ(urls[1], (std::pair<std::string, int>{"y", 443}));
  EXPECT_EQ(urls[2], (std::pair<std::string, int>{"z", 7070}));
}

}  // namespace
}  // namespace berth::stack
