// The owner marker of an Instance's host directory, on the real filesystem.
#include "controllers/instance/data_owner.h"

#include <gtest/gtest.h>

#include "controllers/instance/slug.h"

namespace berth::instance {
namespace {

class DataOwnerTest : public ::testing::Test {
 protected:
  // ctest runs each test in a process of its own, in parallel: each gets a
  // directory of its own, named after the test, or one's SetUp would remove
  // another's files mid-test.
  void SetUp() override {
    base_ = ::testing::TempDir() + "berth-data-owner-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    root_ = base_ + "/beaver/alice";
    ASSERT_TRUE(fs_.RemoveAll(base_).ok());
  }
  void TearDown() override { (void)fs_.RemoveAll(base_); }

  FileSystem& fs_ = RealFileSystem();
  std::string base_;
  std::string root_;
};

TEST_F(DataOwnerTest, AFreshDirectoryIsCreatedWithTheUsersHash) {
  EXPECT_EQ(ReadDataOwner(fs_, root_), std::nullopt);
  ASSERT_TRUE(ClaimDataDir(fs_, root_, "alice@example.com").ok());
  EXPECT_EQ(ReadDataOwner(fs_, root_), UserHash("alice@example.com"));
  // The marker holds the hash, never the user id.
  auto marker = fs_.ReadFile(root_ + "/" + kDataOwnerFile);
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(marker->find("alice"), std::string::npos) << *marker;
  // Claiming again for the same user is a no-op.
  EXPECT_TRUE(ClaimDataDir(fs_, root_, "alice@example.com").ok());
}

TEST_F(DataOwnerTest, AnotherUsersDirectoryIsRefusedOnTheSlug) {
  ASSERT_TRUE(ClaimDataDir(fs_, root_, "alice@example.com").ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(root_ + "/data", "alice's notes", 0600).ok());
  Status st = ClaimDataDir(fs_, root_, "mallory");
  ASSERT_EQ(st.code(), Code::kInvalid) << st.ToString();
  ASSERT_EQ(st.causes().size(), 1u);
  EXPECT_EQ(st.causes()[0].field, "spec.slug");
  EXPECT_NE(st.causes()[0].message.find("another user"), std::string::npos);
  EXPECT_EQ(st.ToString().find("alice@"), std::string::npos) << st.ToString();
  EXPECT_EQ(st.ToString().find("mallory"), std::string::npos) << st.ToString();
  // Nothing changed: the marker still names alice, her data is untouched.
  EXPECT_EQ(ReadDataOwner(fs_, root_), UserHash("alice@example.com"));
  EXPECT_EQ(*fs_.ReadFile(root_ + "/data"), "alice's notes");
}

TEST_F(DataOwnerTest, ADirectoryFromBeforeMarkersIsAdopted) {
  ASSERT_TRUE(fs_.MakeDirs(root_ + "/data", 0755).ok());
  EXPECT_EQ(ReadDataOwner(fs_, root_), "");
  ASSERT_TRUE(ClaimDataDir(fs_, root_, "alice").ok());
  EXPECT_EQ(ReadDataOwner(fs_, root_), UserHash("alice"));
  EXPECT_EQ(ClaimDataDir(fs_, root_, "bob").code(), Code::kInvalid);
}

}  // namespace
}  // namespace berth::instance
