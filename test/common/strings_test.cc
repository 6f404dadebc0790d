#include "operator/common/strings.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(StringsTest, SplitKeepsOrSkipsEmptyParts) {
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Split("a,,b", ',', true), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Join({"a", "b", "c"}, "/"), "a/b/c");
}

TEST(StringsTest, TrimAndCase) {
  EXPECT_EQ(Trim("  x y \n"), "x y");
  EXPECT_EQ(ToLower("StAcK"), "stack");
}

TEST(StringsTest, ParseInt64RejectsJunk) {
  long long v = 0;
  EXPECT_TRUE(ParseInt64("42", &v));
  EXPECT_EQ(v, 42);
  EXPECT_FALSE(ParseInt64("42x", &v));
  EXPECT_FALSE(ParseInt64("", &v));
  EXPECT_FALSE(ParseInt64("99999999999999999999", &v));
}

TEST(StringsTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(StringsTest, UuidShape) {
  std::string u = NewUuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(u, NewUuid());
}

}  // namespace
}  // namespace berth
