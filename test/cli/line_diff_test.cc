#include "operator/cli/line_diff.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

std::string Ops(const std::vector<DiffLine>& d) {
  std::string s;
  for (const auto& l : d) s += std::string(1, l.op) + l.text + ";";
  return s;
}

TEST(LineDiffTest, ShortestScript) {
  EXPECT_EQ(Ops(LineDiff({"a", "b", "c"}, {"a", "c"})), " a;-b; c;");
  EXPECT_EQ(Ops(LineDiff({}, {"x"})), "+x;");
  EXPECT_EQ(Ops(LineDiff({"x"}, {})), "-x;");
  EXPECT_EQ(Ops(LineDiff({}, {})), "");
  auto d = LineDiff({"a", "b", "c", "a", "b", "b", "a"}, {"c", "b", "a", "b", "a", "c"});
  int edits = 0;
  for (const auto& l : d) edits += l.op != ' ';
  EXPECT_EQ(edits, 5);  // the classic example: D = 5
}

TEST(LineDiffTest, UnifiedDiffLikeDiffU) {
  std::string a = "apiVersion: v1\nkind: Stack\nspec:\n  image: nginx:1\n  ports: []\n";
  std::string b = "apiVersion: v1\nkind: Stack\nspec:\n  image: nginx:2\n  ports: []\n";
  EXPECT_EQ(UnifiedDiff(a, b, "live/x", "merged/x"),
            "--- live/x\n"
            "+++ merged/x\n"
            "@@ -1,5 +1,5 @@\n"
            " apiVersion: v1\n"
            " kind: Stack\n"
            " spec:\n"
            "-  image: nginx:1\n"
            "+  image: nginx:2\n"
            "   ports: []\n");
  EXPECT_EQ(UnifiedDiff(a, a, "l", "m"), "");
}

TEST(LineDiffTest, SeparateHunksAndNewFiles) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 ? "two" : i == 18 ? "eighteen" : std::to_string(i)) + "\n";
  }
  std::string d = UnifiedDiff(a, b, "a", "b");
  EXPECT_NE(d.find("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"), std::string::npos) << d;
  EXPECT_NE(d.find("@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n"),
            std::string::npos)
      << d;
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "live/n", "merged/n"),
            "--- live/n\n+++ merged/n\n@@ -0,0 +1,2 @@\n+a\n+b\n");
}

}  // namespace
}  // namespace berth::cli
