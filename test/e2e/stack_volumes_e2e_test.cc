// Skills Registry (seed 004) end to end, and what deleting a Stack keeps:
// manifests/test/skills-registry-postgres.yaml (real PostgreSQL on an
// internal network, a migrate job, the app stand-in) comes up; `berth delete`
// removes its containers and networks but keeps its named volumes, so the
// data is still there when it is applied again; with the annotation
// berth.dev/purge-volumes: "true" the volumes go too. Then the SQLite
// variant comes up on the same names.
#include <gtest/gtest.h>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

using std::chrono::seconds;

constexpr const char* kStack = "skills-registry";

class SkillsRegistryE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/busybox:1", "berth-test/postgres:15"})) {
      BERTH_E2E_SKIP(*why);
    }
    docker_.CleanStack(kStack);
    server_ = std::make_unique<StackServer>(tmp_.path());
    if (auto why = server_->Start()) {
      if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
      FAIL() << *why;
    }
  }
  void TearDown() override {
    if (HasFailure() && server_) {
      std::cerr << server_->Berth({"describe", "stack", kStack}).out << "---- server log\n"
                << server_->log() << "\n";
    }
    if (server_) server_->Terminate();
    if (docker_.Connect({}) == std::nullopt) docker_.CleanStack(kStack);
  }

  void ApplyAndWaitReady(const std::string& yaml) {
    RunResult r = server_->Apply(yaml);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    r = server_->Berth(
        {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=180s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
  void Delete() {
    RunResult r = server_->Berth({"delete", "stack", kStack, "--wait", "--timeout", "120s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(docker_.OwnedContainers(kStack), 0u);
    EXPECT_EQ(docker_.OwnedNetworks(kStack), 0u);
  }
  std::pair<int, std::string> Sql(const std::string& sql) {
    return docker_.Exec("skills-registry-db",
                        {"psql", "-U", "skills", "-d", "skills_registry", "-tAc", sql});
  }

  DockerEnv docker_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
};

TEST_F(SkillsRegistryE2E, DeleteKeepsNamedVolumesUnlessPurged) {
  std::string yaml = ReadFile(ManifestPath("test/skills-registry-postgres.yaml"));
  ApplyAndWaitReady(yaml);
  EXPECT_EQ(Http(8000, "GET", "/health").status, 200);
  auto backend = docker_.client().InspectNetwork("skills-registry_backend");
  ASSERT_TRUE(backend.ok());
  EXPECT_TRUE(backend->internal);
  EXPECT_TRUE(docker_.NetworkExists("skills-registry_default"));
  // The migrate job ran against the real database; keep a row in it.
  auto [code, out] = Sql("INSERT INTO alembic_version VALUES ('e2e-keep') ON CONFLICT DO NOTHING");
  ASSERT_EQ(code, 0) << out;

  Delete();
  EXPECT_FALSE(docker_.NetworkExists("skills-registry_backend"));
  EXPECT_FALSE(docker_.NetworkExists("skills-registry_default"));
  EXPECT_TRUE(docker_.VolumeExists("skills-registry_pgdata"));
  EXPECT_TRUE(docker_.VolumeExists("skills-registry_appdata"));

  // Applied again, the database still has its data.
  ApplyAndWaitReady(yaml);
  auto [code2, rows] = Sql("SELECT version_num FROM alembic_version");
  ASSERT_EQ(code2, 0) << rows;
  EXPECT_NE(rows.find("e2e-keep"), std::string::npos) << rows;

  // With the purge annotation, delete removes the volumes too.
  std::string purge = EditManifest(yaml, [](json& d) {
    if (d.value("kind", "") == "Stack") {
      d["metadata"]["annotations"]["berth.dev/purge-volumes"] = "true";
    }
  });
  RunResult r = server_->Apply(purge);
  ASSERT_EQ(r.code, 0) << r.err;
  Delete();
  EXPECT_FALSE(docker_.VolumeExists("skills-registry_pgdata"));
  EXPECT_FALSE(docker_.VolumeExists("skills-registry_appdata"));
  EXPECT_TRUE(docker_.OwnedVolumes(kStack).empty());

  // The default (SQLite) variant on the same names.
  ApplyAndWaitReady(ReadFile(ManifestPath("test/skills-registry.yaml")));
  EXPECT_EQ(Http(8000, "GET", "/health").status, 200);
  auto app = docker_.Inspect("skills-registry-app");
  ASSERT_TRUE(app);
  bool mounted = false;
  for (const auto& m : app->mounts) {
    if (m.destination == "/app/backend/data") mounted = m.name == "skills-registry_appdata";
  }
  EXPECT_TRUE(mounted);

  // `berth delete --purge-volumes` asks for the same from the command line.
  RunResult gone =
      server_->Berth({"delete", "stack", kStack, "--purge-volumes", "--wait", "--timeout", "120s"});
  ASSERT_EQ(gone.code, 0) << gone.out << gone.err;
  EXPECT_EQ(docker_.OwnedContainers(kStack), 0u);
  EXPECT_FALSE(docker_.VolumeExists("skills-registry_appdata"));
  EXPECT_TRUE(docker_.OwnedVolumes(kStack).empty());
}

}  // namespace
}  // namespace berth::e2e
