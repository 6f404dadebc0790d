// Provider admission: type rules, defaultModel, and the loop rule seen from
// the Provider and from the Stack, through a real registry.
#include "test/provider/fixture.h"

namespace berth::provider {
namespace {

using testing::ProviderRegistryTest;

// uni-api (port 8000) renders every Provider labelled tier=main; app reads
// provider "up" through env.
constexpr const char* kStack = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: gw}
spec:
  services:
    uni-api:
      image: berth-test/busybox:1
      containerName: gw-uni
      ports: ["127.0.0.1:18000:8000"]
      configFiles:
        - path: /home/api.yaml
          render: {format: uni-api, providerSelector: {tier: main}}
    app:
      image: berth-test/busybox:1
      ports: ["8080"]
      env:
        UPSTREAM: {providerRef: {name: up, field: baseURL}}
)";

class ProviderAdmissionTest : public ProviderRegistryTest {};

TEST_F(ProviderAdmissionTest, ApiKeyRequiredUnlessVllm) {
  auto r = Apply(ProviderYaml("o", "https://api.openai.com/v1", "", "{}", "openai"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  ASSERT_FALSE(r.status().causes().empty());
  EXPECT_EQ(r.status().causes()[0].field, "spec.apiKeySecretRef");
  MustApply(ProviderYaml("v", "http://vllm:8001/v1", "", "{}", "vllm"));
  MustApply(ProviderYaml("o", "https://api.openai.com/v1", "openai", "{}", "openai"));
}

TEST_F(ProviderAdmissionTest, DefaultModelMustBeAmongModels) {
  std::string y = ProviderYaml("o", "https://a/v1", "s") + "  defaultModel: nope\n";
  auto r = Apply(y);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().causes()[0].field, "spec.defaultModel");
  MustApply(ProviderYaml("o", "https://a/v1", "s") + "  defaultModel: m2\n");
}

TEST_F(ProviderAdmissionTest, BaseUrlPointingBackAtItsConsumerIsRefused) {
  MustApply(kStack);
  // Selected by uni-api's providerSelector, pointing at uni-api itself.
  for (const char* url :
       {"http://uni-api:8000/v1", "http://gw-uni:8000/v1", "http://GW-UNI:8000"}) {
    auto r = Apply(ProviderYaml("main", url, "s", "{tier: main}"));
    ASSERT_FALSE(r.ok()) << url;
    ASSERT_EQ(r.status().causes().size(), 1u) << r.status().ToString();
    EXPECT_EQ(r.status().causes()[0].field, "spec.baseURL");
    EXPECT_NE(r.status().causes()[0].message.find("uni-api"), std::string::npos);
    EXPECT_NE(r.status().causes()[0].message.find("loop"), std::string::npos);
  }
  // Another port of the same host, or the same URL without the label: fine.
  MustApply(ProviderYaml("main", "http://uni-api:9999/v1", "s", "{tier: main}"));
  MustApply(ProviderYaml("other", "http://uni-api:8000/v1", "s", "{tier: spare}"));
  // Through env providerRef: app (port 8080) consuming "up".
  auto r = Apply(ProviderYaml("up", "http://app:8080", "s"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().causes()[0].message.find("spec.services.app.env.UPSTREAM"),
            std::string::npos);
  MustApply(ProviderYaml("up", "http://uni-api:8000/v1", "s"));
}

TEST_F(ProviderAdmissionTest, StackThatWouldLoopThroughAProviderIsRefused) {
  MustApply(ProviderYaml("main", "http://uni-api:8000/v1", "s", "{tier: main}"));
  auto r = Apply(kStack);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.status().causes().size(), 1u) << r.status().ToString();
  EXPECT_EQ(r.status().causes()[0].field, "spec.services.uni-api.configFiles[0].render");
  EXPECT_NE(r.status().causes()[0].message.find("Provider \"main\""), std::string::npos);
  // The gateway listening elsewhere is not a loop.
  std::string moved = kStack;
  moved.replace(moved.find(":8000\"]"), 7, ":8001\"]");
  MustApply(moved);
}

}  // namespace
}  // namespace berth::provider
