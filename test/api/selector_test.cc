#include "operator/api/selector.h"

#include <gtest/gtest.h>

namespace berth::api {
namespace {

std::map<std::string, std::string> L(
    std::initializer_list<std::pair<const std::string, std::string>> l) {
  return l;
}

TEST(LabelSelectorTest, AllOperators) {
  auto s = LabelSelector::Parse(
      "app=web, tier==front,env!=prod,zone in (a, b),team notin (x),owner,!legacy");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->requirements().size(), 7u);
  auto good = L({{"app", "web"},
                 {"tier", "front"},
                 {"env", "dev"},
                 {"zone", "b"},
                 {"team", "y"},
                 {"owner", "me"}});
  EXPECT_TRUE(s->Matches(good));
  auto bad = good;
  bad["legacy"] = "1";
  EXPECT_FALSE(s->Matches(bad));
  bad = good;
  bad["zone"] = "c";
  EXPECT_FALSE(s->Matches(bad));
  bad = good;
  bad.erase("owner");
  EXPECT_FALSE(s->Matches(bad));
  bad = good;
  bad["env"] = "prod";
  EXPECT_FALSE(s->Matches(bad));
}

TEST(LabelSelectorTest, NotEqualsMatchesMissingKey) {
  auto s = LabelSelector::Parse("env!=prod");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches({}));
}

TEST(LabelSelectorTest, EmptySelectsEverything) {
  auto s = LabelSelector::Parse("  ");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
  EXPECT_TRUE(s->Matches(L({{"a", "b"}})));
}

TEST(LabelSelectorTest, RejectsMalformed) {
  for (const char* bad :
       {"a in b", "a in (b", "=b", "a=b c=d", "a=b,", "bad key=1", "a=b b", "a in ()"}) {
    auto s = LabelSelector::Parse(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_EQ(s.status().code(), Code::kBadRequest);
    }
  }
}

TEST(LabelSelectorTest, RoundTripsToString) {
  auto s = LabelSelector::Parse("a=b,c in (d,e),!f");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ToString(), "a=b,c in (d,e),!f");
  EXPECT_TRUE(LabelSelector::FromMap({{"x", "y"}}).Matches(L({{"x", "y"}, {"z", "w"}})));
}

TEST(FieldSelectorTest, MatchesPaths) {
  Json obj = {{"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"regarding", {{"kind", "Stack"}}},
              {"count", 3}};
  auto s = FieldSelector::Parse("metadata.name=web,regarding.kind==Stack,metadata.namespace!=x");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches(obj));
  EXPECT_TRUE(FieldSelector::Parse("count=3")->Matches(obj));
  EXPECT_TRUE(FieldSelector::Parse("spec.missing=")->Matches(obj));
  EXPECT_FALSE(FieldSelector::Parse("metadata.name=db")->Matches(obj));
  EXPECT_FALSE(FieldSelector::Parse("metadata.name").ok());
  EXPECT_FALSE(FieldSelector::Parse("a..b=c").ok());
}

}  // namespace
}  // namespace berth::api
