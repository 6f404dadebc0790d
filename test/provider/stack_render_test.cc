// How the Stack controller's RenderService treats `render:` config files:
// written under the secrets dir (secret files, 0700 directories), and a
// change of rendered content rolls only the consumer, not its dependents.
#include <gtest/gtest.h>

#include "controllers/stack/render.h"
#include "operator/api/codec.h"

namespace berth::stack {
namespace {

StackSpec Spec() {
  auto j = api::ParseYaml(R"(
services:
  uni-api:
    image: berth-test/busybox:1
    configFiles:
      - {path: /home/api.yaml, render: {format: uni-api}}
      - {path: /etc/motd, content: hello}
  web:
    image: berth-test/busybox:1
    dependsOn: {uni-api: started}
)");
  auto s = ParseStackSpec(*j);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

RenderInputs Inputs(const std::string& rendered) {
  RenderInputs in;
  in.stack = {"Stack", "default", "uni"};
  in.stack_dir = "/data/stacks/default/uni";
  in.secrets_dir = "/data/secrets/default/uni";
  in.network_names = {{"default", "uni_default"}};
  in.rendered_configs[{"uni-api", "/home/api.yaml"}] = rendered;
  return in;
}

TEST(StackRenderedConfigTest, RenderedFilesAreSecretFilesUnderTheSecretsDir) {
  StackSpec spec = Spec();
  auto r = RenderService(spec, spec.services.at("uni-api"), Inputs("api: sk-1\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->files.size(), 2u);
  const HostFile& rendered = r->files[0];
  EXPECT_TRUE(rendered.secret);
  EXPECT_EQ(rendered.path.rfind("/data/secrets/default/uni/uni-api/_rendered/", 0), 0u)
      << rendered.path;
  EXPECT_EQ(rendered.content, "api: sk-1\n");
  const HostFile& literal = r->files[1];
  EXPECT_FALSE(literal.secret);
  EXPECT_EQ(literal.path.rfind("/data/stacks/default/uni/configs/uni-api/", 0), 0u);
  bool mounted = false;
  for (const auto& m : r->container.mounts) {
    if (m.target == "/home/api.yaml") {
      mounted = m.source == rendered.path && m.read_only;
    }
  }
  EXPECT_TRUE(mounted);
  // The key is in no label, env or hash input the spec hash sees.
  for (const auto& e : r->container.env) EXPECT_EQ(e.find("sk-1"), std::string::npos);
}

TEST(StackRenderedConfigTest, ContentChangeRollsTheConsumerOnly) {
  StackSpec spec = Spec();
  auto render_all = [&](const std::string& content) {
    std::map<std::string, RenderedService> all;
    for (const auto& [name, svc] : spec.services) {
      auto r = RenderService(spec, svc, Inputs(content));
      EXPECT_TRUE(r.ok());
      all[name] = *r;
    }
    return all;
  };
  auto before = render_all("api: sk-1\n");
  auto after = render_all("api: sk-2\n");
  EXPECT_EQ(before["uni-api"].spec_hash, after["uni-api"].spec_hash);
  EXPECT_NE(before["uni-api"].content_hash, after["uni-api"].content_hash);
  auto h0 = EffectiveHashes(spec, before);
  auto h1 = EffectiveHashes(spec, after);
  EXPECT_NE(h0["uni-api"], h1["uni-api"]);
  EXPECT_EQ(h0["web"], h1["web"]);
}

}  // namespace
}  // namespace berth::stack
