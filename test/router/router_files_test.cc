// RouterFiles against a real temporary directory, with nginx scripted: its
// `nginx -t` refuses any configuration holding a file with "bogus".
#include "controllers/router/router_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "controllers/router/nginx_conf.h"
#include "test/mocks/mock_nginx.h"

namespace berth::router {
namespace {

namespace fs = std::filesystem;
using ::testing::_;
using ::testing::Invoke;
using ::testing::NiceMock;
using ::testing::Return;

class RouterFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("berth-router-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    target_.key = "Stack/beaver/beaver";
    target_.conf_dir = dir_.string() + "/conf.d";
    target_.container = "router-id";
    target_.listen_port = 8088;
    ON_CALL(nginx_, Test(_)).WillByDefault(Invoke([this](const std::string&) {
      ++tests_;
      for (const auto& e : fs::directory_iterator(target_.conf_dir)) {
        auto content = RealFileSystem().ReadFile(e.path().string());
        if (content.ok() && content->find("bogus") != std::string::npos) {
          return Status::Invalid("nginx -t failed: [emerg] unknown directive \"bogus\" in " +
                                 e.path().filename().string());
        }
      }
      return Status::Ok();
    }));
    ON_CALL(nginx_, Reload(_)).WillByDefault(Invoke([this](const std::string&) {
      ++reloads_;
      return Status::Ok();
    }));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Read(const std::string& name) {
    auto r = RealFileSystem().ReadFile(target_.conf_dir + "/" + name);
    return r.ok() ? *r : "<missing>";
  }
  bool Exists(const std::string& name) { return fs::exists(target_.conf_dir + "/" + name); }

  fs::path dir_;
  RouterTarget target_;
  NiceMock<testing::MockNginx> nginx_;
  std::atomic<int> tests_{0}, reloads_{0};
  RouterFiles files_{RealFileSystem(), nginx_};
};

TEST_F(RouterFilesTest, WritesTheFileAndTheCommonFileThenTestsAndReloads) {
  ASSERT_TRUE(files_.Apply(target_, {"beaver-alice.conf", "server {}\n"}).ok());
  EXPECT_EQ(Read("beaver-alice.conf"), "server {}\n");
  EXPECT_EQ(Read(kCommonFile), RenderCommonConf(8088));
  EXPECT_EQ(tests_, 1);
  EXPECT_EQ(reloads_, 1);

  // Nothing changed and nginx serves it: no nginx -t, no reload.
  ASSERT_TRUE(files_.Apply(target_, {"beaver-alice.conf", "server {}\n"}).ok());
  EXPECT_EQ(tests_, 1);
  EXPECT_EQ(reloads_, 1);
}

TEST_F(RouterFilesTest, RejectedNewFileIsRemovedAndRejectedChangeRestored) {
  Status st = files_.Apply(target_, {"beaver-bob.conf", "bogus;\n"});
  EXPECT_EQ(st.code(), Code::kInvalid);
  EXPECT_NE(st.message().find("unknown directive"), std::string::npos) << st.message();
  EXPECT_FALSE(Exists("beaver-bob.conf"));

  ASSERT_TRUE(files_.Apply(target_, {"beaver-bob.conf", "good\n"}).ok());
  EXPECT_EQ(files_.Apply(target_, {"beaver-bob.conf", "bogus again\n"}).code(), Code::kInvalid);
  EXPECT_EQ(Read("beaver-bob.conf"), "good\n");
}

TEST_F(RouterFilesTest, RemovingAFileReloads) {
  ASSERT_TRUE(files_.Apply(target_, {"beaver-alice.conf", "a\n"}).ok());
  int reloads = reloads_;
  ASSERT_TRUE(files_.Apply(target_, {"beaver-alice.conf", std::nullopt}).ok());
  EXPECT_FALSE(Exists("beaver-alice.conf"));
  EXPECT_EQ(reloads_, reloads + 1);
  // Removing what is not there changes nothing.
  ASSERT_TRUE(files_.Apply(target_, {"beaver-alice.conf", std::nullopt}).ok());
  EXPECT_EQ(reloads_, reloads + 1);
}

TEST_F(RouterFilesTest, RouterNotRunningLeavesNothingUnchecked) {
  EXPECT_CALL(nginx_, Test(_)).WillOnce(Return(Status::Unavailable("container is not running")));
  Status st = files_.Apply(target_, {"beaver-alice.conf", "a\n"});
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_FALSE(Exists("beaver-alice.conf"));
}

TEST_F(RouterFilesTest, ConcurrentChangesAllLandAndOnlyTheBadOneFails) {
  constexpr int kN = 24;
  std::vector<Status> results(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      std::string body = i == 7 ? "bogus;\n" : "server " + std::to_string(i) + "\n";
      results[i] = files_.Apply(target_, {"beaver-u" + std::to_string(i) + ".conf", body});
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kN; ++i) {
    if (i == 7) {
      EXPECT_EQ(results[i].code(), Code::kInvalid);
      EXPECT_FALSE(Exists("beaver-u7.conf"));
    } else {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].ToString();
      EXPECT_EQ(Read("beaver-u" + std::to_string(i) + ".conf"),
                "server " + std::to_string(i) + "\n");
    }
  }
  // Batched: never more reloads than changes.
  EXPECT_LE(reloads_, kN);
  EXPECT_EQ(files_.reloads(), reloads_.load());
}

TEST_F(RouterFilesTest, SweepRemovesOnlyBerthFilesOfVanishedInstances) {
  ASSERT_TRUE(
      files_.Apply(target_, {"beaver-alice.conf", std::string(kRouteMarker) + " a\n"}).ok());
  ASSERT_TRUE(files_.Apply(target_, {"beaver-gone.conf", std::string(kRouteMarker) + " g\n"}).ok());
  // Someone else's files: one named like ours but without the marker.
  ASSERT_TRUE(
      RealFileSystem().WriteFileAtomic(target_.conf_dir + "/beaver-hand.conf", "x\n", 0644).ok());
  ASSERT_TRUE(
      RealFileSystem().WriteFileAtomic(target_.conf_dir + "/custom.conf", "y\n", 0644).ok());
  auto removed = files_.Sweep(
      target_, [](const std::string& n) { return LooksLikeRouteFile(n, "beaver"); },
      []() -> Result<std::set<std::string>> { return std::set<std::string>{"beaver-alice.conf"}; });
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, std::vector<std::string>{"beaver-gone.conf"});
  EXPECT_TRUE(Exists("beaver-alice.conf"));
  EXPECT_FALSE(Exists("beaver-gone.conf"));
  EXPECT_TRUE(Exists("beaver-hand.conf"));
  EXPECT_TRUE(Exists("custom.conf"));
  EXPECT_TRUE(Exists(kCommonFile));
}

}  // namespace
}  // namespace berth::router
