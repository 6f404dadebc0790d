#include "controllers/stack/render.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "operator/api/labels.h"
#include "test/stack/fixtures.h"

namespace berth::stack {
namespace {

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ParseStackSpec(testing::ShareStacksSpec());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    spec_ = *s;
    in_.stack = {"Stack", "default", "share"};
    in_.stack_dir = "/var/lib/berth/stacks/default/share";
    in_.secrets_dir = "/var/lib/berth/secrets/default/share";
    in_.network_names = {{"panel", "1panel-network"}};
  }
  std::map<std::string, std::string> Hashes() {
    std::map<std::string, RenderedService> all;
    for (const auto& [name, svc] : spec_.services) {
      auto r = RenderService(spec_, svc, in_);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      all[name] = *r;
    }
    return EffectiveHashes(spec_, all);
  }
  StackSpec spec_;
  RenderInputs in_;
};

TEST_F(RenderTest, ContainerCarriesLabelsPortsNetworksHealth) {
  auto r = RenderService(spec_, spec_.services.at("gpt-load"), in_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const docker::ContainerSpec& c = r->container;
  EXPECT_EQ(c.name, "share_gptload");
  EXPECT_EQ(c.labels.at(api::labels::kManagedBy), "berth");
  EXPECT_EQ(c.labels.at(api::labels::kOwner), "Stack/default/share");
  EXPECT_EQ(c.labels.at(api::labels::kService), "gpt-load");
  ASSERT_EQ(c.ports.size(), 1u);
  EXPECT_EQ(c.ports[0], (docker::PortBinding{3001, "tcp", "127.0.0.1", 3001}));
  ASSERT_EQ(c.networks.size(), 1u);
  EXPECT_EQ(c.networks[0].network, "1panel-network");
  EXPECT_EQ(c.networks[0].aliases, std::vector<std::string>{"gpt-load"});
  EXPECT_EQ(c.restart.name, "unless-stopped");

  auto pg = RenderService(spec_, spec_.services.at("pg_init"), in_);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->container.restart.name, "no");
  EXPECT_EQ(pg->container.name, "share-pg_init");
  auto db = RenderService(spec_, spec_.services.at("postgres"), in_);
  ASSERT_TRUE(db->container.healthcheck);
  EXPECT_EQ(db->container.healthcheck->test,
            (std::vector<std::string>{"CMD-SHELL", "pg_isready -U postgres"}));
  EXPECT_EQ(db->container.healthcheck->interval, std::chrono::seconds(1));
}

TEST_F(RenderTest, SecretAsFileNeverInEnvOrHash) {
  spec_.services["postgres"].env["POSTGRES_PASSWORD"] =
      EnvSource{EnvSource::Type::kSecret, "", "pg", "password", true};
  in_.secrets[{"pg", "password"}] = "s3cr3t-value";
  auto r = RenderService(spec_, spec_.services.at("postgres"), in_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const std::string& e : r->container.env) {
    EXPECT_EQ(e.find("s3cr3t"), std::string::npos) << e;
  }
  EXPECT_NE(std::find(r->container.env.begin(), r->container.env.end(),
                      "POSTGRES_PASSWORD_FILE=/run/secrets/pg/password"),
            r->container.env.end());
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_TRUE(r->files[0].secret);
  EXPECT_EQ(r->files[0].content, "s3cr3t-value");
  EXPECT_EQ(r->files[0].path, in_.secrets_dir + "/postgres/pg/password");
  auto mount =
      std::find_if(r->container.mounts.begin(), r->container.mounts.end(),
                   [](const docker::Mount& m) { return m.target == "/run/secrets/pg/password"; });
  ASSERT_NE(mount, r->container.mounts.end());
  EXPECT_TRUE(mount->read_only);
}

TEST_F(RenderTest, MissingSecretNamesTheField) {
  spec_.services["postgres"].env["POSTGRES_PASSWORD"] =
      EnvSource{EnvSource::Type::kSecret, "", "pg", "password", true};
  auto r = RenderService(spec_, spec_.services.at("postgres"), in_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().causes().at(0).field, "spec.services.postgres.env.POSTGRES_PASSWORD");
}

TEST_F(RenderTest, SpecChangeRollsDependentsButContentChangeOnlyTheConsumer) {
  auto before = Hashes();
  spec_.services["postgres"].env["TZ"] = EnvSource{EnvSource::Type::kLiteral, "UTC", "", "", false};
  auto after_spec = Hashes();
  EXPECT_NE(before["postgres"], after_spec["postgres"]);
  EXPECT_NE(before["pg_init"], after_spec["pg_init"]);
  EXPECT_NE(before["gpt-load"], after_spec["gpt-load"]);
  EXPECT_EQ(before["valkey"], after_spec["valkey"]);
  EXPECT_EQ(before["playwright"], after_spec["playwright"]);

  // A rotated secret rolls only the service that reads it.
  spec_.services["postgres"].env["POSTGRES_PASSWORD"] =
      EnvSource{EnvSource::Type::kSecret, "", "pg", "password", true};
  in_.secrets[{"pg", "password"}] = "one";
  auto v1 = Hashes();
  in_.secrets[{"pg", "password"}] = "two";
  auto v2 = Hashes();
  EXPECT_NE(v1["postgres"], v2["postgres"]);
  EXPECT_EQ(v1["pg_init"], v2["pg_init"]);
  EXPECT_EQ(v1["gpt-load"], v2["gpt-load"]);
}

// The hash follows what the container receives: the key or field it names,
// not the whole Secret or Provider object.
TEST_F(RenderTest, HashFollowsTheReferencedValueOnly) {
  ServiceSpec& svc = spec_.services["gpt-load"];
  svc.env["AUTH_KEY"] = EnvSource{EnvSource::Type::kSecret, "", "keys", "a", false};
  svc.env["UPSTREAM"] = EnvSource{EnvSource::Type::kProvider, "", "deepseek", "baseURL", false};
  in_.secrets[{"keys", "a"}] = "value-a";
  in_.secrets[{"keys", "b"}] = "value-b";
  in_.providers[{"deepseek", "baseURL"}] = "https://api.deepseek.com/v1";
  in_.providers[{"deepseek", "models"}] = "deepseek-chat";
  in_.providers[{"deepseek", "apiKey"}] = "sk-one";
  auto hash = [&] {
    auto r = RenderService(spec_, svc, in_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->spec_hash + "/" + r->content_hash : "";
  };
  const std::string h0 = hash();

  // Another key of the same Secret, other fields of the Provider: unchanged.
  in_.secrets[{"keys", "b"}] = "value-b2";
  in_.providers[{"deepseek", "models"}] = "deepseek-chat,deepseek-reasoner";
  in_.providers[{"deepseek", "apiKey"}] = "sk-two";
  EXPECT_EQ(hash(), h0);

  // The key it reads, the field it reads: changed.
  in_.secrets[{"keys", "a"}] = "value-a2";
  const std::string h1 = hash();
  EXPECT_NE(h1, h0);
  in_.providers[{"deepseek", "baseURL"}] = "https://api.deepseek.example/v2";
  const std::string h2 = hash();
  EXPECT_NE(h2, h1);

  // The same values again give the same hash (no versions, no randomness).
  EXPECT_EQ(hash(), h2);
  // As a file, the same: another key changes nothing, its own key does.
  svc.env["AUTH_KEY"].as_file = true;
  const std::string f0 = hash();
  in_.secrets[{"keys", "b"}] = "value-b3";
  EXPECT_EQ(hash(), f0);
  in_.secrets[{"keys", "a"}] = "value-a3";
  EXPECT_NE(hash(), f0);
  // Neither hash shows a value.
  for (const std::string& h : {h0, h1, h2, f0}) {
    EXPECT_EQ(h.find("value-"), std::string::npos);
  }
}

TEST_F(RenderTest, RelativeBindsLiveUnderTheStackDir) {
  spec_.services["playwright"].volumes = {"./data:/data"};
  auto r = RenderService(spec_, spec_.services.at("playwright"), in_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->container.mounts.at(0).source, in_.stack_dir + "/data/data");
  EXPECT_EQ(r->bind_dirs, std::vector<std::string>{in_.stack_dir + "/data/data"});
}

}  // namespace
}  // namespace berth::stack
