// Commands against a StrictMock ApiClient: failures of the server or the
// connection, and exactly which calls a command makes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/cli/cli_test_support.h"
#include "test/mocks/mock_api_client.h"

namespace berth::cli {
namespace {

using ::testing::_;
using testing::CliHarness;
using testing::MockApiClient;
using ::testing::Return;
using ::testing::StrictMock;

constexpr const char* kStack =
    "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata: {name: web}\n"
    "spec: {services: {web: {image: nginx}}}\n";

TEST(MockClientTest, UnreachableServerIsOneClearErrorAndNoWrite) {
  CliHarness h;
  h.make_client = [] {
    auto m = std::make_unique<StrictMock<MockApiClient>>();
    EXPECT_CALL(*m, Get(_, "default", "web"))
        .WillOnce(Return(Status::Unavailable(
            "cannot reach the berth server at http://127.0.0.1:7443: Connection refused")));
    return std::unique_ptr<ApiClient>(std::move(m));
  };
  EXPECT_EQ(h.Run({"apply", "-f", "-"}, kStack), 1);
  EXPECT_EQ(h.err.str(),
            "error: cannot reach the berth server at http://127.0.0.1:7443: Connection refused\n");
  EXPECT_EQ(h.out.str(), "");
}

TEST(MockClientTest, UnauthorizedStopsAtTheFirstObject) {
  CliHarness h;
  h.make_client = [] {
    auto m = std::make_unique<StrictMock<MockApiClient>>();
    EXPECT_CALL(*m, Get(_, _, _)).WillOnce(Return(Status::NotFound("not found")));
    EXPECT_CALL(*m, Patch(_, "default", "web", PatchType::kApply, _, _))
        .WillOnce(Return(Status::Unauthorized("Unauthorized (no token was given)")));
    return std::unique_ptr<ApiClient>(std::move(m));
  };
  EXPECT_EQ(h.Run({"apply", "-f", "-"}, kStack), 1);
  EXPECT_EQ(h.err.str(), "error: Unauthorized (no token was given)\n");
}

TEST(MockClientTest, DeleteSendsPropagationPolicyAndDryRun) {
  CliHarness h;
  h.make_client = [] {
    auto m = std::make_unique<StrictMock<MockApiClient>>();
    EXPECT_CALL(*m, Delete(_, "prod", "web", _))
        .WillOnce([](const api::KindInfo&, const std::string&, const std::string&,
                     const DeleteOptions& o) -> Result<api::Json> {
          EXPECT_EQ(o.propagation_policy, "Foreground");
          EXPECT_TRUE(o.dry_run);
          return api::Json::object();
        });
    return std::unique_ptr<ApiClient>(std::move(m));
  };
  EXPECT_EQ(
      h.Run({"-n", "prod", "delete", "stack/web", "--cascade=foreground", "--dry-run=server"}), 0)
      << h.err.str();
  EXPECT_EQ(h.out.str(), "stack.berth.dev \"web\" deleted (server dry run)\n");
}

}  // namespace
}  // namespace berth::cli
