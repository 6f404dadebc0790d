// Where serve finds the Secret key: BERTH_SECRET_KEY, else <data-dir>/secret.key
// created 0600 on first start and reused afterwards.
#include "operator/secrets/key_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "operator/common/strings.h"

namespace berth::secrets {
namespace {

class KeySourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/berth-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(KeySourceTest, CreatesAKeyFileOnFirstStartAndReusesIt) {
  auto first = LoadKeys({"", "", dir_});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->origin, dir_ + "/secret.key");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto second = LoadKeys({"", "", dir_});
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->ring.primary().bytes, first->ring.primary().bytes);
  EXPECT_EQ(second->ring.primary().bytes.size(), kKeyBytes);
}

TEST_F(KeySourceTest, TheEnvironmentWinsAndNoFileIsWritten) {
  std::string raw(kKeyBytes, 'e');
  auto keys = LoadKeys({Base64Encode(raw), "", dir_});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->origin, "BERTH_SECRET_KEY");
  EXPECT_EQ(keys->ring.primary().bytes, raw);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/secret.key"));
}

TEST_F(KeySourceTest, MalformedEnvironmentKeyIsRefusedWithoutEchoingIt) {
  std::string text = Base64Encode("only-sixteen-byt");
  auto keys = LoadKeys({text, "", dir_});
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), Code::kInvalid);
  EXPECT_NE(keys.status().message().find("BERTH_SECRET_KEY"), std::string::npos);
  EXPECT_EQ(keys.status().message().find(text), std::string::npos);
}

TEST_F(KeySourceTest, KeyFileReadableByOthersIsRefused) {
  ASSERT_TRUE(LoadKeys({"", "", dir_}).ok());
  ASSERT_EQ(::chmod((dir_ + "/secret.key").c_str(), 0644), 0);
  auto keys = LoadKeys({"", "", dir_});
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), Code::kForbidden);
  EXPECT_NE(keys.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeySourceTest, CorruptKeyFileIsAClearError) {
  {
    std::ofstream f(dir_ + "/secret.key");
    f << "not a key\n";
  }
  ASSERT_EQ(::chmod((dir_ + "/secret.key").c_str(), 0600), 0);
  auto keys = LoadKeys({"", "", dir_});
  ASSERT_FALSE(keys.ok());
  EXPECT_NE(keys.status().message().find("secret.key"), std::string::npos);
}

TEST_F(KeySourceTest, PreviousKeysJoinTheRing) {
  std::string a(kKeyBytes, 'a'), b(kKeyBytes, 'b'), c(kKeyBytes, 'c');
  auto keys = LoadKeys({Base64Encode(a), Base64Encode(b) + "," + Base64Encode(c), dir_});
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->ring.Ids().size(), 3u);
  EXPECT_NE(keys->ring.Find(KeyRing::KeyId(c)), nullptr);
  auto bad = LoadKeys({Base64Encode(a), "AAAA", dir_});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("BERTH_SECRET_KEYS_PREVIOUS entry 1"), std::string::npos);
}

}  // namespace
}  // namespace berth::secrets
