#include "controllers/instance/render.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "operator/api/labels.h"
#include "operator/common/strings.h"
#include "test/instance/fixtures.h"

namespace berth::instance {
namespace {

namespace labels = api::labels;

class InstanceRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = testing::BeaverStack();
    auto t = ParseTemplate(spec_, "app");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    tmpl_ = *t;
    auto r = RouterOf({"Stack", "beaver", "beaver"}, spec_, testing::BeaverSpec(),
                      "/var/lib/berth/stacks/beaver/beaver");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    router_ = *r;
    in_.instance = {"Instance", "beaver", "alice-1234567890"};
    in_.user = "alice@example.com";
    in_.slug = "alice";
    in_.tmpl = &tmpl_;
    in_.router = &router_;
    in_.dirs = DirsFor("/var/lib/berth", "beaver", "alice");
    in_.refs.secrets[{"beaver", "token"}] = "t0ken-value";
  }
  stack::StackSpec spec_;
  InstanceTemplate tmpl_;
  RouterInfo router_;
  RenderInput in_;
};

TEST_F(InstanceRenderTest, TemplateAndRouterAsParsed) {
  EXPECT_EQ(tmpl_.port, 8080);
  EXPECT_EQ(tmpl_.data_path, "/data");
  EXPECT_EQ(tmpl_.config_path, "/app/config/config.json");
  EXPECT_EQ(tmpl_.route_config, "client_max_body_size 50m;\n");
  EXPECT_EQ(router_.listen_port, 8088);
  EXPECT_EQ(router_.network_name, "beaver-instance-edge");
  EXPECT_EQ(router_.conf_dir, "/var/lib/berth/stacks/beaver/beaver/router/conf.d");
  EXPECT_EQ(ParseTemplate(spec_, "nope").status().code(), Code::kNotFound);
  EXPECT_EQ(TemplateNames(spec_), std::vector<std::string>{"app"});
}

TEST_F(InstanceRenderTest, ContainerHasLabelsMountsEnvNetworkAndHealth) {
  auto r = RenderInstance(in_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const docker::ContainerSpec& c = r->container;
  EXPECT_EQ(c.name, "berth_beaver_alice");
  EXPECT_EQ(c.hostname, "alice");
  EXPECT_EQ(c.image, "berth-test/busybox:1");
  EXPECT_EQ(c.labels.at(labels::kManagedBy), "berth");
  EXPECT_EQ(c.labels.at(labels::kOwner), "Instance/beaver/alice-1234567890");
  EXPECT_EQ(c.labels.at(labels::kRole), "instance");
  EXPECT_EQ(c.labels.at(labels::kSpecHash), r->hash);
  EXPECT_EQ(c.labels.at("berth.dev/test"), "1");
  EXPECT_TRUE(c.ports.empty());  // reached through the router only
  ASSERT_EQ(c.networks.size(), 1u);
  EXPECT_EQ(c.networks[0].network, "beaver-instance-edge");
  EXPECT_TRUE(c.networks[0].aliases.empty());
  EXPECT_EQ(c.restart.name, "unless-stopped");
  EXPECT_EQ(c.nano_cpus, 500000000);
  EXPECT_EQ(c.memory, 128 << 20);
  ASSERT_TRUE(c.healthcheck);
  auto has_env = [&](const std::string& e) {
    return std::find(c.env.begin(), c.env.end(), e) != c.env.end();
  };
  EXPECT_TRUE(has_env("BERTH_USER=alice@example.com"));
  EXPECT_TRUE(has_env("BERTH_SLUG=alice"));
  EXPECT_TRUE(has_env("BERTH_URL=http://alice.localhost:8088"));
  EXPECT_TRUE(has_env("BERTH_HOST=alice.localhost"));
  EXPECT_TRUE(has_env("MODE=test"));
  EXPECT_TRUE(has_env("TOKEN_FILE=/run/secrets/beaver/token"));
  for (const auto& e : c.env) EXPECT_EQ(e.find("t0ken-value"), std::string::npos) << e;

  auto mount = [&](const std::string& target) -> const docker::Mount* {
    for (const auto& m : c.mounts) {
      if (m.target == target) return &m;
    }
    return nullptr;
  };
  ASSERT_NE(mount("/data"), nullptr);
  EXPECT_EQ(mount("/data")->source, "/var/lib/berth/instances/beaver/alice/data");
  EXPECT_FALSE(mount("/data")->read_only);
  // The config file's directory, so a rename over config.json is seen inside.
  ASSERT_NE(mount("/app/config"), nullptr);
  EXPECT_EQ(mount("/app/config")->source, "/var/lib/berth/instances/beaver/alice/config");
  EXPECT_TRUE(mount("/app/config")->read_only);
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_TRUE(r->files[0].secret);
  EXPECT_TRUE(r->files[0].path.starts_with(in_.dirs.secrets + "/"));
}

TEST_F(InstanceRenderTest, HashFollowsTheSpecAndTheValuesTheContainerReceives) {
  std::string h = RenderInstance(in_)->hash;
  EXPECT_EQ(RenderInstance(in_)->hash, h);
  // Another key of the Secret: nothing the container reads, it stays.
  in_.refs.secrets[{"beaver", "other"}] = "unrelated";
  EXPECT_EQ(RenderInstance(in_)->hash, h);
  // A new value of the key it reads: recreate (secrets are read at start).
  in_.refs.secrets[{"beaver", "token"}] = "rotated";
  std::string h2 = RenderInstance(in_)->hash;
  EXPECT_NE(h2, h);
  EXPECT_EQ(h2.find("rotated"), std::string::npos);
  // The Instance's own env overrides the template's.
  in_.env["MODE"] = stack::EnvSource{stack::EnvSource::Type::kLiteral, "prod", "", "", false};
  auto r = RenderInstance(in_);
  EXPECT_NE(r->hash, h2);
  EXPECT_NE(std::find(r->container.env.begin(), r->container.env.end(), "MODE=prod"),
            r->container.env.end());
}

TEST(ConfigDigestTest, IsKeyedByTheStore) {
  const std::string config = R"({"apiKey": "sk-abc", "baseURL": "https://a/v1"})";
  std::string d = ConfigDigest("cluster-1", config);
  EXPECT_EQ(d.size(), 16u);
  EXPECT_EQ(ConfigDigest("cluster-1", config), d);  // stable: restarts only on change
  EXPECT_NE(ConfigDigest("cluster-1", config + " "), d);
  // Another store's key gives another digest, and none is the bare hash of
  // the content a reader could compute from a guessed key.
  EXPECT_NE(ConfigDigest("cluster-2", config), d);
  EXPECT_NE(d, Sha256Hex(config).substr(0, 16));
  EXPECT_NE(d, Sha256Hex("berth-instance-config|" + config).substr(0, 16));
}

TEST_F(InstanceRenderTest, MissingSecretNamesTheTemplateField) {
  in_.refs.secrets.clear();
  auto r = RenderInstance(in_);
  ASSERT_EQ(r.status().code(), Code::kInvalid);
  ASSERT_FALSE(r.status().causes().empty());
  EXPECT_EQ(r.status().causes()[0].field, "spec.instanceTemplates.app.env.TOKEN");
}

TEST_F(InstanceRenderTest, RouteForTheInstance) {
  router::RouteSpec r = RouteFor(in_);
  EXPECT_EQ(r.server_name, "alice.localhost");
  EXPECT_EQ(r.upstream_host, "berth_beaver_alice");
  EXPECT_EQ(r.upstream_port, 8080);
  EXPECT_EQ(r.listen_port, 8088);
  EXPECT_TRUE(r.streaming);
  EXPECT_FALSE(r.https);
  EXPECT_EQ(r.extra, "client_max_body_size 50m;\n");
  EXPECT_EQ(r.owner, "beaver/alice-1234567890");
}

TEST_F(InstanceRenderTest, BadTemplatesNameTheirFields) {
  auto j = testing::BeaverSpec();
  j["instanceTemplates"]["app"].erase("port");
  j["instanceTemplates"]["app"]["configPath"] = "/data/config.json";
  auto s = stack::ParseStackSpec(j);
  ASSERT_TRUE(s.ok());
  auto t = ParseTemplate(*s, "app");
  ASSERT_EQ(t.status().code(), Code::kInvalid);
  std::vector<std::string> fields;
  for (const auto& c : t.status().causes()) fields.push_back(c.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.instanceTemplates.app.port"),
            fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.instanceTemplates.app.configPath"),
            fields.end());
}

}  // namespace
}  // namespace berth::instance
