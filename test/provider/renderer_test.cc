// The ConfigRenderer, preview and status controller over a real registry:
// what is rendered, when its version changes, what a preview shows (keys
// redacted), and the Provider's Ready condition and consumers.
#include "controllers/provider/renderer.h"

#include "controllers/provider/preview.h"
#include "controllers/provider/select.h"
#include "controllers/provider/status.h"
#include "operator/api/meta.h"
#include "operator/common/strings.h"
#include "test/provider/fixture.h"

namespace berth::provider {
namespace {

using api::Json;
using testing::ProviderRegistryTest;

stack::ConfigFileSpec File(const std::string& format, std::vector<std::string> names = {},
                           std::map<std::string, std::string> selector = {}) {
  stack::ConfigFileSpec f;
  f.path = "/home/api.yaml";
  f.render_format = format;
  f.render_providers = std::move(names);
  f.render_selector = std::move(selector);
  return f;
}

constexpr const char* kStack = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: uni}
spec:
  services:
    uni-api:
      image: berth-test/busybox:1
      configFiles:
        - path: /home/api.yaml
          render: {format: uni-api, providers: [b, a]}
    app:
      image: berth-test/busybox:1
      configFiles:
        - path: /etc/app/config.json
          render: {format: instance-config, providers: [c]}
    plain:
      image: berth-test/busybox:1
      env:
        URL: {providerRef: {name: c, field: baseURL}}
)";

class RendererTest : public ProviderRegistryTest {
 protected:
  void SetUp() override {
    ProviderRegistryTest::SetUp();
    MustApply(SecretYaml("ka", "apiKey", "sk-aaaa-1111"));
    MustApply(SecretYaml("kb", "apiKey", "sk-bbbb-2222"));
    MustApply(SecretYaml("kc", "apiKey", "sk-cccc-3333"));
    MustApply(ProviderYaml("a", "https://a.example/v1", "ka", "{tier: main}"));
    MustApply(ProviderYaml("b", "https://b.example/v1", "kb", "{tier: main}"));
    MustApply(ProviderYaml("c", "https://c.example/v1", "kc", "{tier: spare}"));
    renderer_ = std::make_unique<ProviderConfigRenderer>(*registry_);
  }
  std::unique_ptr<ProviderConfigRenderer> renderer_;  // made in SetUp, once registry_ is
};

TEST_F(RendererTest, RendersSelectedProvidersWithTheirKeys) {
  auto out = renderer_->Render("default", File("uni-api", {"b", "a"}));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_LT(out->find("provider: \"b\""), out->find("provider: \"a\""));
  EXPECT_NE(out->find("api: \"sk-aaaa-1111\""), std::string::npos);
  EXPECT_NE(out->find("api: \"sk-bbbb-2222\""), std::string::npos);
  EXPECT_EQ(out->find("sk-cccc"), std::string::npos);

  auto sel = renderer_->Render("default", File("uni-api", {}, {{"tier", "main"}}));
  ASSERT_TRUE(sel.ok());
  EXPECT_LT(sel->find("provider: \"a\""), sel->find("provider: \"b\""));  // by name
  auto all = renderer_->Render("default", File("uni-api"));
  ASSERT_TRUE(all.ok());
  EXPECT_NE(all->find("provider: \"c\""), std::string::npos);

  auto cfg = renderer_->Render("default", File("instance-config", {"c"}));
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(Json::parse(*cfg)["apiKey"], "sk-cccc-3333");
}

TEST_F(RendererTest, ErrorsNameWhatIsMissingButNoKey) {
  auto missing = renderer_->Render("default", File("uni-api", {"nope"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  MustApply(ProviderYaml("d", "https://d/v1", "gone"));
  auto no_secret = renderer_->Render("default", File("uni-api", {"a", "d"}));
  ASSERT_FALSE(no_secret.ok());
  EXPECT_NE(no_secret.status().message().find("Secret \"gone\""), std::string::npos);
  EXPECT_EQ(no_secret.status().ToString().find("sk-aaaa"), std::string::npos);
  EXPECT_FALSE(renderer_->Render("default", File("uni-api", {}, {{"tier", "none"}})).ok());
}

TEST_F(RendererTest, VersionChangesExactlyWhenARenderedInputChanges) {
  stack::ConfigFileSpec f = File("uni-api", {"a", "b"});
  std::string v0 = renderer_->Version("default", f);
  EXPECT_EQ(renderer_->Version("default", f), v0);
  // Another Provider, and metadata of a selected one: no change.
  MustApply(ProviderYaml("c", "https://c2.example/v1", "kc", "{tier: spare}"));
  MustApply(ProviderYaml("a", "https://a.example/v1", "ka", "{tier: main, x: y}"));
  EXPECT_EQ(renderer_->Version("default", f), v0);
  // Its spec: a new generation.
  MustApply(ProviderYaml("a", "https://a2.example/v1", "ka", "{tier: main}"));
  std::string v1 = renderer_->Version("default", f);
  EXPECT_NE(v1, v0);
  // Its key Secret.
  MustApply(SecretYaml("kb", "apiKey", "sk-bbbb-rotated"));
  std::string v2 = renderer_->Version("default", f);
  EXPECT_NE(v2, v1);
  MustApply(SecretYaml("kc", "apiKey", "sk-cccc-rotated"));
  EXPECT_EQ(renderer_->Version("default", f), v2);
}

TEST_F(RendererTest, PreviewShowsRenderedChangesWithKeysRedacted) {
  MustApply(kStack);
  auto proposed = registry_->Patch("Provider", "default", "a", registry::PatchType::kApply,
                                   ProviderYaml("a", "https://a-new.example/v1", "ka"), false,
                                   {.dry_run = true});
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  auto items = PreviewChange(*registry_, *proposed);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 1u);  // only uni-api renders a
  const PreviewItem& it = items->front();
  EXPECT_EQ(it.Label(), "rendered/default/uni/uni-api/home/api.yaml");
  EXPECT_NE(it.before.find("https://a.example/v1/chat/completions"), std::string::npos);
  EXPECT_NE(it.after.find("https://a-new.example/v1/chat/completions"), std::string::npos);
  std::string marker = "<redacted:sha256:" + Sha256Hex("sk-aaaa-1111").substr(0, 8) + ">";
  EXPECT_NE(it.after.find(marker), std::string::npos) << it.after;
  for (const std::string& text : {it.before, it.after}) {
    EXPECT_EQ(text.find("sk-aaaa"), std::string::npos);
    EXPECT_EQ(text.find("sk-bbbb"), std::string::npos);
  }
}

TEST_F(RendererTest, PreviewOfAKeySecretShowsTheKeyChangeAsAMarkerChange) {
  MustApply(kStack);
  auto proposed =
      registry_->Patch("Secret", "default", "kc", registry::PatchType::kApply,
                       SecretYaml("kc", "apiKey", "sk-cccc-NEW"), false, {.dry_run = true});
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  auto items = PreviewChange(*registry_, *proposed);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  // app renders c's config.json; plain reads only c's baseURL (unchanged).
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].Label(), "rendered/default/uni/app/etc/app/config.json");
  EXPECT_EQ((*items)[1].Label(), "rendered/default/uni/plain/env");
  EXPECT_EQ((*items)[1].before, (*items)[1].after);
  const PreviewItem& cfg = (*items)[0];
  EXPECT_NE(cfg.before, cfg.after);
  EXPECT_NE(cfg.before.find(Sha256Hex("sk-cccc-3333").substr(0, 8)), std::string::npos);
  EXPECT_NE(cfg.after.find(Sha256Hex("sk-cccc-NEW").substr(0, 8)), std::string::npos);
  EXPECT_EQ(cfg.after.find("sk-cccc"), std::string::npos);
}

// A dry-run apply of `yaml`, as the preview API makes it.
Result<api::Object> Proposed(registry::Registry& r, const std::string& yaml) {
  auto j = api::ParseYaml(yaml);
  if (!j.ok()) return j.status();
  api::Object obj(*j);
  return r.Patch(obj.kind(), "default", obj.name(), registry::PatchType::kApply, j->dump(), false,
                 {.dry_run = true});
}

constexpr const char* kRouterStack = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: beaver}
spec:
  networks:
    edge: {name: edge}
  router: {service: router, network: edge, baseDomain: localhost}
  services:
    router: {image: berth-test/nginx:1, networks: [edge]}
  instanceTemplates:
    app: {image: berth-test/busybox:1, port: 8080}
)";

std::string InstanceYaml(const std::string& provider) {
  std::string y =
      "apiVersion: berth.dev/v1alpha1\nkind: Instance\nmetadata: {name: alice}\nspec:\n"
      "  user: alice\n  slug: alice\n  template: {stack: beaver, name: app}\n";
  return provider.empty() ? y : y + "  provider: " + provider + "\n";
}

TEST_F(RendererTest, PreviewOfAnInstanceShowsItsConfigJsonForAnotherProvider) {
  MustApply(kRouterStack);
  MustApply(InstanceYaml("a"));
  auto switched = Proposed(*registry_, InstanceYaml("b"));
  ASSERT_TRUE(switched.ok()) << switched.status().ToString();
  auto items = PreviewChange(*registry_, *switched);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 1u);
  const PreviewItem& it = items->front();
  EXPECT_EQ(it.Label(), "rendered/default/instance/alice/config.json");
  EXPECT_EQ(Json::parse(it.before)["baseURL"], "https://a.example/v1");
  EXPECT_EQ(Json::parse(it.after)["baseURL"], "https://b.example/v1");
  EXPECT_EQ(Json::parse(it.before)["apiKey"],
            "<redacted:sha256:" + Sha256Hex("sk-aaaa-1111").substr(0, 8) + ">");
  EXPECT_EQ(Json::parse(it.after)["apiKey"],
            "<redacted:sha256:" + Sha256Hex("sk-bbbb-2222").substr(0, 8) + ">");
  for (const std::string& text : {it.before, it.after}) {
    EXPECT_EQ(text.find("sk-"), std::string::npos) << text;
  }

  // The same provider: nothing rendered changes.
  auto same = Proposed(*registry_, InstanceYaml("a"));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(PreviewChange(*registry_, *same)->empty());
  // Cleared: the file goes. A Provider that does not exist: says so.
  auto cleared = Proposed(*registry_, InstanceYaml(""));
  ASSERT_TRUE(cleared.ok());
  // A dry-run apply without spec.provider keeps no field the manifest left out.
  items = PreviewChange(*registry_, *cleared);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->front().after, "");
  auto missing = Proposed(*registry_, InstanceYaml("zz"));
  ASSERT_TRUE(missing.ok());
  EXPECT_NE(PreviewChange(*registry_, *missing)->front().after.find("\"zz\" does not exist"),
            std::string::npos);
}

TEST_F(RendererTest, PreviewOfAStackShowsRenderedChangesOfItsProviderSelection) {
  MustApply(kStack);
  std::string yaml = kStack;
  yaml.replace(yaml.find("providers: [b, a]"), 17, "providers: [a]");
  yaml.replace(yaml.find("name: c, field: baseURL"), 23, "name: a, field: baseURL");
  auto proposed = Proposed(*registry_, yaml);
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  auto items = PreviewChange(*registry_, *proposed);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 2u);  // app's config.json is untouched
  EXPECT_EQ((*items)[0].Label(), "rendered/default/uni/plain/env");
  EXPECT_EQ((*items)[0].before, "URL=https://c.example/v1\n");
  EXPECT_EQ((*items)[0].after, "URL=https://a.example/v1\n");
  EXPECT_EQ((*items)[1].Label(), "rendered/default/uni/uni-api/home/api.yaml");
  EXPECT_NE((*items)[1].before.find("provider: \"b\""), std::string::npos);
  EXPECT_EQ((*items)[1].after.find("provider: \"b\""), std::string::npos);
  EXPECT_NE((*items)[1].after.find("provider: \"a\""), std::string::npos);
  for (const PreviewItem& it : *items) {
    EXPECT_EQ(it.before.find("sk-"), std::string::npos);
    EXPECT_EQ(it.after.find("sk-"), std::string::npos);
  }
  // A selector instead of names.
  std::string by_label = kStack;
  by_label.replace(by_label.find("providers: [b, a]"), 17, "providerSelector: {tier: spare}");
  auto sel = Proposed(*registry_, by_label);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  items = PreviewChange(*registry_, *sel);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_NE(items->front().after.find("provider: \"c\""), std::string::npos);
  // The same Stack again: nothing.
  auto same = Proposed(*registry_, kStack);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(PreviewChange(*registry_, *same)->empty());
}

TEST_F(RendererTest, StatusReportsReadinessAndConsumers) {
  MustApply(kStack);
  ProviderStatusReconciler rec(*registry_, RealClock());
  ASSERT_TRUE(rec.Reconcile({{"Provider", "default", "c"}}).ok());
  auto c = registry_->Get("Provider", "default", "c");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(api::IsConditionTrue(c->status(), "Ready"));
  EXPECT_EQ(c->status()["consumers"], Json::array({"Stack/default/uni"}));
  EXPECT_EQ(c->status()["observedGeneration"], c->generation());

  MustApply(ProviderYaml("d", "https://d/v1", "gone"));
  ASSERT_TRUE(rec.Reconcile({{"Provider", "default", "d"}}).ok());
  auto d = registry_->Get("Provider", "default", "d");
  ASSERT_TRUE(d.ok());
  const Json* ready = api::FindCondition(d->status(), "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ((*ready)["status"], "False");
  EXPECT_EQ((*ready)["reason"], "SecretNotFound");
  EXPECT_EQ(d->status()["consumers"], Json::array());
  // A missing Provider is nothing to do.
  EXPECT_TRUE(rec.Reconcile({{"Provider", "default", "zzz"}}).ok());
}

}  // namespace
}  // namespace berth::provider
