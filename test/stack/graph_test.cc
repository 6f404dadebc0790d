#include "controllers/stack/graph.h"

#include <gtest/gtest.h>

#include "test/stack/fixtures.h"

namespace berth::stack {
namespace {

StackSpec Parse(const Json& j) {
  auto s = ParseStackSpec(j);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

TEST(GraphTest, SeedOrderPutsDependenciesFirst) {
  StackSpec spec = Parse(testing::ShareStacksSpec());
  EXPECT_TRUE(CheckGraph(spec).ok());
  auto order = TopologicalOrder(spec);
  auto pos = [&](const std::string& s) {
    return std::find(order.begin(), order.end(), s) - order.begin();
  };
  EXPECT_LT(pos("postgres"), pos("pg_init"));
  EXPECT_LT(pos("pg_init"), pos("gpt-load"));
  EXPECT_LT(pos("valkey"), pos("gpt-load"));
  EXPECT_EQ(TransitiveDependencies(spec, "gpt-load"),
            (std::vector<std::string>{"pg_init", "postgres", "valkey"}));
}

TEST(GraphTest, CycleIsNamed) {
  Json j = testing::ShareStacksSpec();
  j["services"]["postgres"]["dependsOn"] = {{"gpt-load", "started"}};
  Status st = CheckGraph(Parse(j));
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.causes().size(), 1u);
  EXPECT_NE(st.causes()[0].message.find("dependency cycle"), std::string::npos);
  EXPECT_NE(st.causes()[0].message.find("postgres"), std::string::npos);
}

TEST(GraphTest, UnknownAndMismatchedConditions) {
  Json j = testing::ShareStacksSpec();
  j["services"]["gpt-load"]["dependsOn"] = {
      {"mysql", "healthy"}, {"playwright", "healthy"}, {"postgres", "completed"}};
  Status st = CheckGraph(Parse(j));
  ASSERT_FALSE(st.ok());
  std::vector<std::string> fields;
  for (const auto& c : st.causes()) fields.push_back(c.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"spec.services.gpt-load.dependsOn.mysql",
                                              "spec.services.gpt-load.dependsOn.playwright",
                                              "spec.services.gpt-load.dependsOn.postgres"}));
}

}  // namespace
}  // namespace berth::stack
