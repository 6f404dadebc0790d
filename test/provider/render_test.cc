// The pure renderers: instance config.json and uni-api's api.yaml, exact
// output, determinism, quoting, and redaction of keys for previews.
#include "controllers/provider/render.h"

#include <gtest/gtest.h>

#include "operator/api/codec.h"
#include "operator/common/strings.h"

namespace berth::provider {
namespace {

using api::Json;

api::Object Provider(const std::string& name, const Json& spec) {
  return api::Object(Json{{"apiVersion", "berth.dev/v1alpha1"},
                          {"kind", "Provider"},
                          {"metadata", {{"name", name}, {"namespace", "default"}}},
                          {"spec", spec}});
}

TEST(RenderInstanceConfigTest, OneSortedJsonObjectWithTheDefaultModel) {
  auto p = Provider("openai", {{"type", "openai"},
                               {"baseURL", "https://api.openai.com/v1"},
                               {"models", {"gpt-4o", "gpt-4o-mini"}},
                               {"defaultModel", "gpt-4o-mini"},
                               {"apiKeySecretRef", {{"name", "openai"}, {"key", "apiKey"}}}});
  auto out = RenderInstanceConfig(p, "sk-123");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, R"({
  "apiKey": "sk-123",
  "baseURL": "https://api.openai.com/v1",
  "model": "gpt-4o-mini",
  "models": [
    "gpt-4o",
    "gpt-4o-mini"
  ],
  "provider": "openai",
  "providerName": "openai"
}
)");
  EXPECT_EQ(*RenderInstanceConfig(p, "sk-123"), *out);  // deterministic
  Json j = Json::parse(*RenderInstanceConfig(p, "sk-123", "gpt-4o"));
  EXPECT_EQ(j["model"], "gpt-4o");
}

TEST(RenderInstanceConfigTest, FirstModelWhenNoDefaultAndKeyRules) {
  auto vllm = Provider(
      "local", {{"type", "vllm"}, {"baseURL", "http://vllm:8001/v1"}, {"models", {"qwen"}}});
  auto out = RenderInstanceConfig(vllm, "");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Json j = Json::parse(*out);
  EXPECT_EQ(j["model"], "qwen");
  EXPECT_EQ(j["apiKey"], "");
  EXPECT_EQ(j["provider"], "vllm");

  auto openai = Provider("o", {{"type", "openai"}, {"baseURL", "https://x/v1"}});
  auto missing = RenderInstanceConfig(openai, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().causes().at(0).field, "spec.apiKeySecretRef");
  EXPECT_FALSE(RenderInstanceConfig(Provider("n", {{"type", "openai"}}), "k").ok());
}

TEST(RenderUniApiTest, ProvidersInOrderWithEndpointsKeysAndModels) {
  std::vector<KeyedProvider> ps = {
      {Provider("gptload", {{"type", "openai-compatible"},
                            {"baseURL", "http://share_gptload:3001/proxy/openai/v1/"},
                            {"models", {"gpt-4o"}}}),
       "sk-gpt"},
      {Provider("claude", {{"type", "anthropic"},
                           {"baseURL", "https://api.anthropic.com/v1"},
                           {"models", {"claude-3-5-sonnet"}}}),
       "sk-ant"},
      {Provider("gem", {{"type", "gemini"},
                        {"baseURL", "https://generativelanguage.googleapis.com/v1beta"}}),
       "AIza"},
      {Provider("local", {{"type", "vllm"}, {"baseURL", "http://vllm:8001/v1"}}), ""},
  };
  auto out = RenderUniApi(ps);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, R"(providers:
  - provider: "gptload"
    base_url: "http://share_gptload:3001/proxy/openai/v1/chat/completions"
    api: "sk-gpt"
    model:
      - "gpt-4o"
  - provider: "claude"
    base_url: "https://api.anthropic.com/v1/messages"
    api: "sk-ant"
    model:
      - "claude-3-5-sonnet"
  - provider: "gem"
    base_url: "https://generativelanguage.googleapis.com/v1beta"
    api: "AIza"
  - provider: "local"
    base_url: "http://vllm:8001/v1/chat/completions"
)");
  auto with_keys = RenderUniApi(ps, {"sk-user"});
  ASSERT_TRUE(with_keys.ok());
  auto parsed = api::ParseYaml(*with_keys);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["api_keys"][0]["api"], "sk-user");
  EXPECT_EQ((*parsed)["api_keys"][0]["model"][0], "all");
  EXPECT_FALSE(RenderUniApi({}).ok());
}

TEST(RenderUniApiTest, ValuesCannotChangeTheDocumentsStructure) {
  std::string evil = "sk\"\n  - provider: injected\nx: 'y'";
  auto out =
      RenderUniApi({{Provider("p", {{"type", "openai"}, {"baseURL", "https://a/v1"}}), evil}});
  ASSERT_TRUE(out.ok());
  auto parsed = api::ParseYaml(*out);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << *out;
  ASSERT_EQ((*parsed)["providers"].size(), 1u);
  EXPECT_EQ((*parsed)["providers"][0]["api"], evil);
  EXPECT_FALSE(parsed->contains("x"));
}

TEST(RenderFormatTest, InstanceConfigTakesExactlyOneProvider) {
  auto p = Provider("a", {{"type", "vllm"}, {"baseURL", "http://v:1/v1"}});
  EXPECT_TRUE(RenderFormat("instance-config", {{p, ""}}).ok());
  EXPECT_FALSE(RenderFormat("instance-config", {{p, ""}, {p, ""}}).ok());
  EXPECT_FALSE(RenderFormat("nginx", {{p, ""}}).ok());
  EXPECT_TRUE(RenderFormat("uni-api", {{p, ""}}).ok());
}

TEST(UniApiBaseUrlTest, CompletesTheChatPathPerType) {
  EXPECT_EQ(UniApiBaseUrl("openai", "https://api.openai.com/v1"),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(UniApiBaseUrl("openai", "https://x/v1/chat/completions"),
            "https://x/v1/chat/completions");
  EXPECT_EQ(UniApiBaseUrl("anthropic", "https://api.anthropic.com"),
            "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(UniApiBaseUrl("gemini", "https://g/v1beta/"), "https://g/v1beta");
}

TEST(RedactSecretsTest, KeysBecomeStableHashMarkersAlsoWhenEscaped) {
  std::string key = "sk-\"quoted\"-key";
  std::string text = "api: " + Json(key).dump() + "\nraw " + key + "\n";
  std::string out = RedactSecrets(text, {key, ""});
  std::string marker = "<redacted:sha256:" + Sha256Hex(key).substr(0, 8) + ">";
  EXPECT_EQ(out, "api: \"" + marker + "\"\nraw " + marker + "\n");
  EXPECT_EQ(out.find("quoted"), std::string::npos);
  // A different key gives a different marker: a rotation shows in a diff.
  EXPECT_NE(RedactSecrets("k1", {"k1"}), RedactSecrets("k2", {"k2"}));
}

}  // namespace
}  // namespace berth::provider
