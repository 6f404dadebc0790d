// The Stack controller mounts the router's conf.d directory into the router
// service (controllers/stack/render.cc), where the Instance controller writes.
#include <gtest/gtest.h>

#include <algorithm>

#include "controllers/instance/template.h"
#include "controllers/stack/naming.h"
#include "controllers/stack/render.h"
#include "operator/api/codec.h"

namespace berth::stack {
namespace {

StackSpec Parse(const std::string& yaml) {
  auto j = api::ParseYaml(yaml);
  EXPECT_TRUE(j.ok());
  auto s = ParseStackSpec(*j);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

RenderInputs Inputs() {
  RenderInputs in;
  in.stack = {"Stack", "beaver", "beaver"};
  in.stack_dir = "/var/lib/berth/stacks/beaver/beaver";
  in.secrets_dir = "/var/lib/berth/secrets/beaver/beaver";
  in.network_names = {{"edge", "beaver-instance-edge"}};
  return in;
}

const docker::Mount* MountAt(const docker::ContainerSpec& c, const std::string& target) {
  auto it = std::find_if(c.mounts.begin(), c.mounts.end(),
                         [&](const docker::Mount& m) { return m.target == target; });
  return it == c.mounts.end() ? nullptr : &*it;
}

TEST(StackRouterMountTest, RouterServiceGetsTheConfDirReadOnly) {
  StackSpec spec = Parse(R"(
networks: {edge: {name: beaver-instance-edge}}
router: {service: router-proxy, network: edge, baseDomain: localhost}
services:
  router-proxy: {image: berth-test/nginx:1, networks: [edge]}
  other: {image: berth-test/busybox:1, networks: [edge]}
)");
  auto r = RenderService(spec, spec.services.at("router-proxy"), Inputs());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const docker::Mount* m = MountAt(r->container, "/etc/nginx/conf.d");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->source, "/var/lib/berth/stacks/beaver/beaver/router/conf.d");
  EXPECT_EQ(m->type, docker::Mount::Type::kBind);
  EXPECT_TRUE(m->read_only);
  EXPECT_NE(std::find(r->bind_dirs.begin(), r->bind_dirs.end(), m->source), r->bind_dirs.end());

  auto other = RenderService(spec, spec.services.at("other"), Inputs());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(MountAt(other->container, "/etc/nginx/conf.d"), nullptr);
}

TEST(StackRouterMountTest, ConfDirAndContainerConfDirAreHonoured) {
  StackSpec spec = Parse(R"(
networks: {edge: {}}
router: {service: rp, network: edge, baseDomain: localhost, confDir: /srv/conf.d,
         containerConfDir: /etc/nginx/sites}
services:
  rp: {image: berth-test/nginx:1, networks: [edge]}
)");
  auto r = RenderService(spec, spec.services.at("rp"), Inputs());
  ASSERT_TRUE(r.ok());
  const docker::Mount* m = MountAt(r->container, "/etc/nginx/sites");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->source, "/srv/conf.d");
}

TEST(StackRouterMountTest, AMountOfTheServiceItselfWinsAndTheInstancesWriteThere) {
  auto raw = api::ParseYaml(R"(
networks: {edge: {}}
router: {service: rp, network: edge, baseDomain: localhost}
services:
  rp: {image: berth-test/nginx:1, networks: [edge], volumes: ["./router/conf.d:/etc/nginx/conf.d:ro"]}
)");
  ASSERT_TRUE(raw.ok());
  StackSpec spec = *ParseStackSpec(*raw);
  RenderInputs in = Inputs();
  auto r = RenderService(spec, spec.services.at("rp"), in);
  ASSERT_TRUE(r.ok());
  int at_conf = 0;
  for (const auto& m : r->container.mounts) at_conf += m.target == "/etc/nginx/conf.d";
  EXPECT_EQ(at_conf, 1);
  const docker::Mount* m = MountAt(r->container, "/etc/nginx/conf.d");
  auto router = instance::RouterOf(in.stack, spec, *raw, in.stack_dir);
  ASSERT_TRUE(router.ok()) << router.status().ToString();
  EXPECT_EQ(router->conf_dir, m->source);
}

}  // namespace
}  // namespace berth::stack
