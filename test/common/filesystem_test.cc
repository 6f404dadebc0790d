#include "operator/common/filesystem.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

namespace berth {
namespace {

class FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/berth-fs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)fs_.RemoveAll(dir_); }
  PosixFileSystem fs_;
  std::string dir_;
};

TEST_F(FileSystemTest, AtomicWriteReplacesContentAndSetsMode) {
  std::string p = dir_ + "/token";
  ASSERT_TRUE(fs_.WriteFileAtomic(p, "one", 0600).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(p, "two", 0600).ok());
  EXPECT_EQ(*fs_.ReadFile(p), "two");
  struct stat st {};
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary files are left behind.
  EXPECT_EQ(*fs_.ListDir(dir_), std::vector<std::string>{"token"});
}

TEST_F(FileSystemTest, MissingFileIsNotFound) {
  auto r = fs_.ReadFile(dir_ + "/nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_TRUE(fs_.Remove(dir_ + "/nope").ok());
}

TEST_F(FileSystemTest, MakeDirsCreatesParents) {
  ASSERT_TRUE(fs_.MakeDirs(dir_ + "/a/b/c", 0700).ok());
  EXPECT_TRUE(fs_.Exists(dir_ + "/a/b/c"));
  ASSERT_TRUE(fs_.MakeDirs(dir_ + "/a/b/c", 0700).ok());
}

TEST(ErrnoStatusTest, MapsDiskFull) {
  EXPECT_EQ(ErrnoStatus(ENOSPC, "write x").code(), Code::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(EACCES, "write x").code(), Code::kForbidden);
}

}  // namespace
}  // namespace berth
