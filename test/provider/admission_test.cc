// Provider admission: type rules, defaultModel, and the loop rule seen from
// the Provider and from the Stack, through a real registry.
#include "controllers/instance/admission.h"

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

TEST_F(ProviderAdmissionTest, LoopbackFormsOfItsConsumerAreRefused) {
  MustApply(kStack);  // uni-api publishes 127.0.0.1:18000 -> 8000
  for (const char* url :
       {"http://localhost:8000/v1", "http://127.0.0.1:18000/v1", "http://[::1]:18000",
        "http://0.0.0.0:8000", "http://host.docker.internal:18000/v1"}) {
    auto r = Apply(ProviderYaml("main", url, "s", "{tier: main}"));
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().causes()[0].field, "spec.baseURL") << url;
    EXPECT_NE(r.status().causes()[0].message.find("uni-api"), std::string::npos) << url;
  }
  MustApply(ProviderYaml("main", "http://host.docker.internal:4000/v1", "s", "{tier: main}"));
}

// An Instance of a Stack with a router: its container is berth_default_alice,
// port 8080, routed as alice.localhost.
constexpr const char* kRouterStack = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: beaver}
spec:
  networks:
    edge: {name: edge}
  router: {service: router, network: edge, baseDomain: localhost, publicPort: 8088}
  services:
    router:
      image: berth-test/nginx:1
      ports: ["127.0.0.1:18088:8088"]
      networks: [edge]
  instanceTemplates:
    app: {image: berth-test/busybox:1, port: 8080}
)";

std::string InstanceYaml(const std::string& name, const std::string& provider) {
  std::string y = "apiVersion: berth.dev/v1alpha1\nkind: Instance\nmetadata: {name: " + name +
                  "}\nspec:\n  user: " + name + "\n  slug: " + name +
                  "\n  template: {stack: beaver, name: app}\n";
  if (!provider.empty()) y += "  provider: " + provider + "\n";
  return y;
}

class InstanceProviderAdmissionTest : public ProviderRegistryTest {
 protected:
  void SetUp() override {
    ProviderRegistryTest::SetUp();
    registry_->AddAdmission("Instance", std::make_shared<instance::InstanceAdmission>(
                                            *registry_, instance::AdmissionOptions{}));
    MustApply(kRouterStack);
  }
};

TEST_F(InstanceProviderAdmissionTest, AProviderMayNotPointAtTheInstanceThatUsesIt) {
  MustApply(ProviderYaml("p", "https://api.openai.com/v1", "s"));
  MustApply(InstanceYaml("alice", "p"));
  MustApply(InstanceYaml("bob", ""));
  for (const char* url : {"http://berth_default_alice:8080/v1", "http://alice:8080/v1",
                          "http://alice.localhost:8088/v1", "https://alice.localhost/v1",
                          "http://localhost:8080/v1", "http://127.0.0.1:8080"}) {
    auto r = Apply(ProviderYaml("p", url, "s"));
    ASSERT_FALSE(r.ok()) << url;
    ASSERT_EQ(r.status().causes().size(), 1u) << r.status().ToString();
    EXPECT_EQ(r.status().causes()[0].field, "spec.baseURL") << url;
    EXPECT_NE(r.status().causes()[0].message.find("Instance default/alice"), std::string::npos)
        << r.status().causes()[0].message;
  }
  // Another Instance, another port of alice's container: not a loop.
  MustApply(ProviderYaml("p", "http://bob.localhost:8088/v1", "s"));
  MustApply(ProviderYaml("p", "http://berth_default_alice:9090/v1", "s"));

  // The other direction: pointing an Instance at a Provider that is itself.
  MustApply(ProviderYaml("q", "http://bob.localhost:8088/v1", "s"));
  auto r = Apply(InstanceYaml("bob", "q"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().causes()[0].field, "spec.provider");
  EXPECT_NE(r.status().causes()[0].message.find("Instance default/bob"), std::string::npos);
  MustApply(InstanceYaml("alice", "q"));  // bob's address is fine for alice
}

// The provisioning API writes the user's Provider, owned by the Instance,
// before spec.provider names it: the owner counts as its consumer.
TEST_F(InstanceProviderAdmissionTest, AnOwningInstanceCountsAsConsumer) {
  MustApply(InstanceYaml("carol", ""));
  auto inst = registry_->Get("Instance", "default", "carol");
  ASSERT_TRUE(inst.ok());
  std::string owned = ProviderYaml("carol", "http://carol.localhost:8088/v1", "s");
  owned.replace(owned.find("metadata: {name: carol"), 22,
                "metadata: {name: carol, ownerReferences: [{apiVersion: berth.dev/v1alpha1, "
                "kind: Instance, name: carol, uid: " +
                    inst->uid() + "}]");
  auto r = Apply(owned);
  ASSERT_FALSE(r.ok()) << owned;
  EXPECT_EQ(r.status().causes()[0].field, "spec.baseURL");
}

}  // namespace
}  // namespace berth::provider
