// Several berth stores on one Docker engine: a Stack controller never removes
// as an orphan, observes or adopts what another store's controllers made
// (labels::kCluster). Before, a second `berth serve` on the same engine (a
// test, a staging instance) deleted every container of the first one's Stacks
// as orphans, because its own store had no such Stack.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controllers/stack/reconciler.h"
#include "operator/api/catalog.h"
#include "operator/api/labels.h"
#include "operator/registry/registry.h"
#include "operator/runtime/events.h"
#include "operator/store/store.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_docker_client.h"
#include "test/mocks/mock_filesystem.h"

namespace berth::stack {
namespace {

namespace labels = api::labels;
using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;
namespace testing = ::berth::testing;

docker::Labels OwnedLabels(const std::string& stack, const std::string& cluster) {
  docker::Labels l = labels::Owned(api::ObjectRef{"Stack", "default", stack});
  l[labels::kService] = "web";
  if (!cluster.empty()) l[labels::kCluster] = cluster;
  return l;
}

docker::ContainerSummary Container(const std::string& id, const docker::Labels& l) {
  docker::ContainerSummary c;
  c.id = id;
  c.name = id;
  c.state = "running";
  c.labels = l;
  return c;
}

class ReconcilerClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin());
    recorder_ =
        std::make_unique<runtime::EventRecorder>(*registry_, runtime::EventRecorderOptions{});
    ON_CALL(docker_, ListNetworks(_)).WillByDefault(Return(std::vector<docker::NetworkInfo>{}));
    ON_CALL(docker_, ListVolumes(_)).WillByDefault(Return(std::vector<docker::VolumeInfo>{}));
    ON_CALL(docker_, StopContainer(_, _)).WillByDefault(Return(Status::Ok()));
    ON_CALL(docker_, RemoveContainer(_, _, _)).WillByDefault(Return(Status::Ok()));
  }
  std::unique_ptr<StackReconciler> Reconciler(const std::string& cluster) {
    StackControllerOptions o;
    o.data_dir = "/nonexistent/berth";
    o.cluster_id = cluster;
    return std::make_unique<StackReconciler>(*registry_, docker_, *recorder_, fs_, clock_, o);
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<runtime::EventRecorder> recorder_;
  NiceMock<testing::MockDockerClient> docker_;
  NiceMock<testing::MockFileSystem> fs_;
  testing::FakeClock clock_;
};

TEST_F(ReconcilerClusterTest, OrphanCleanupRemovesOnlyThisClustersContainers) {
  ON_CALL(docker_, ListContainers(_))
      .WillByDefault(Return(std::vector<docker::ContainerSummary>{
          Container("mine", OwnedLabels("web", "cluster-a")),
          Container("theirs", OwnedLabels("web", "cluster-b")),
          Container("legacy", OwnedLabels("web", ""))}));
  EXPECT_CALL(docker_, RemoveContainer("mine", true, false)).WillOnce(Return(Status::Ok()));
  EXPECT_CALL(docker_, RemoveContainer("theirs", _, _)).Times(0);
  EXPECT_CALL(docker_, RemoveContainer("legacy", _, _)).Times(0);
  auto r = Reconciler("cluster-a");
  auto result = r->Reconcile({api::ObjectRef{"Stack", "default", "web"}});  // not in the store
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST_F(ReconcilerClusterTest, WithoutClusterIdEveryOrphanGoes) {
  ON_CALL(docker_, ListContainers(_))
      .WillByDefault(Return(
          std::vector<docker::ContainerSummary>{Container("a", OwnedLabels("web", "cluster-b")),
                                                Container("b", OwnedLabels("web", ""))}));
  EXPECT_CALL(docker_, RemoveContainer("a", true, false)).WillOnce(Return(Status::Ok()));
  EXPECT_CALL(docker_, RemoveContainer("b", true, false)).WillOnce(Return(Status::Ok()));
  auto r = Reconciler("");
  EXPECT_TRUE(r->Reconcile({api::ObjectRef{"Stack", "default", "web"}}).ok());
}

TEST(ClusterLabels, OtherAndThisCluster) {
  docker::Labels a = {{labels::kCluster, "a"}}, none;
  EXPECT_FALSE(labels::OtherCluster(a, "a"));
  EXPECT_TRUE(labels::OtherCluster(a, "b"));
  EXPECT_FALSE(labels::OtherCluster(none, "a"));  // made before the label existed
  EXPECT_FALSE(labels::OtherCluster(a, ""));      // unscoped: everything is ours
  EXPECT_TRUE(labels::ThisCluster(a, "a"));
  EXPECT_FALSE(labels::ThisCluster(a, "b"));
  EXPECT_FALSE(labels::ThisCluster(none, "a"));
  EXPECT_TRUE(labels::ThisCluster(none, ""));
}

}  // namespace
}  // namespace berth::stack
