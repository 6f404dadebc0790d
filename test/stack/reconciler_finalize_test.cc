// Deleting a Stack that berth never wrote a status for (deleted before its
// first reconcile finished, or while berth was down after adding the
// finalizer) tears it down and lets it go. Before, Finalize read
// status().value() of a null status and threw on every retry, so the Stack
// stayed in deletion for good (found by test/fault/kill_fault_test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controllers/stack/reconciler.h"
#include "operator/api/catalog.h"
#include "operator/registry/registry.h"
#include "operator/runtime/events.h"
#include "operator/store/store.h"
#include "test/mocks/fake_clock.h"
#include "test/mocks/mock_docker_client.h"
#include "test/mocks/mock_filesystem.h"

namespace berth::stack {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;
namespace testing = ::berth::testing;

TEST(StackFinalize, AStackWithoutStatusIsDeleted) {
  auto store = store::Open("sqlite::memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  registry::Registry registry(**store, api::Catalog::Builtin());
  runtime::EventRecorder recorder(registry, runtime::EventRecorderOptions{});
  NiceMock<testing::MockDockerClient> docker;
  NiceMock<testing::MockFileSystem> fs;
  testing::FakeClock clock;
  ON_CALL(docker, ListContainers(_)).WillByDefault(Return(std::vector<docker::ContainerSummary>{}));
  ON_CALL(docker, ListNetworks(_)).WillByDefault(Return(std::vector<docker::NetworkInfo>{}));
  ON_CALL(docker, ListVolumes(_)).WillByDefault(Return(std::vector<docker::VolumeInfo>{}));

  api::Object stack(api::Json{
      {"apiVersion", "berth.dev/v1alpha1"},
      {"kind", "Stack"},
      {"metadata", {{"name", "web"}, {"namespace", "default"}, {"finalizers", {kFinalizer}}}},
      {"spec", {{"services", {{"web", {{"image", "busybox:1"}}}}}}}});
  ASSERT_TRUE(registry.Create(stack).ok());
  auto deleting = registry.Delete("Stack", "default", "web");
  ASSERT_TRUE(deleting.ok()) << deleting.status().ToString();
  ASSERT_TRUE(deleting->status().is_null());

  StackControllerOptions o;
  o.data_dir = "/nonexistent/berth";
  StackReconciler reconciler(registry, docker, recorder, fs, clock, o);
  auto result = reconciler.Reconcile({api::ObjectRef{"Stack", "default", "web"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(registry.Get("Stack", "default", "web").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace berth::stack
