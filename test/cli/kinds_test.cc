#include "operator/cli/kinds.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

const api::Catalog& Cat() {
  return api::Catalog::Builtin();
}

TEST(KindsTest, ResolvesEveryFormIgnoringCase) {
  for (const char* n : {"stacks", "stack", "Stack", "STACKS", "st", "ST", "stacks.berth.dev",
                        "stack.berth.dev", "stacks.v1alpha1.berth.dev"}) {
    auto k = ResolveKind(Cat(), n);
    ASSERT_TRUE(k.ok()) << n << ": " << k.status().ToString();
    EXPECT_EQ((*k)->kind, "Stack") << n;
  }
  EXPECT_EQ((*ResolveKind(Cat(), "gpunodes"))->kind, "GpuNode");
  EXPECT_EQ((*ResolveKind(Cat(), "ev"))->kind, "Event");
}

TEST(KindsTest, UnknownKindListsWhatExists) {
  auto k = ResolveKind(Cat(), "pods");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), Code::kNotFound);
  EXPECT_NE(k.status().message().find("unknown kind \"pods\""), std::string::npos);
  EXPECT_NE(k.status().message().find("stacks"), std::string::npos);
}

TEST(KindsTest, TargetForms) {
  auto a = ParseTargets(Cat(), {"stack", "web", "db"});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].names, (std::vector<std::string>{"web", "db"}));

  auto b = ParseTargets(Cat(), {"stack/web", "secret/pw", "st/db"});
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].kind->kind, "Stack");
  EXPECT_EQ((*b)[0].names, (std::vector<std::string>{"web", "db"}));
  EXPECT_EQ((*b)[1].kind->kind, "Secret");

  auto c = ParseTargets(Cat(), {"stacks,secrets,st"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 2u);

  auto all = ParseTargets(Cat(), {"all"});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GE(all->size(), 3u);

  EXPECT_FALSE(ParseTargets(Cat(), {}).ok());
  EXPECT_FALSE(ParseTargets(Cat(), {"stacks,secrets", "web"}).ok());
  EXPECT_FALSE(ParseTargets(Cat(), {"stack/web", "db"}).ok());
  EXPECT_FALSE(ParseTargets(Cat(), {"stack", "x/web"}).ok());
  EXPECT_FALSE(ParseTargets(Cat(), {"nope"}).ok());
}

TEST(KindsTest, OneTarget) {
  auto a = ParseOneTarget(Cat(), {"stack/web"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first->kind, "Stack");
  EXPECT_EQ(a->second, "web");
  auto b = ParseOneTarget(Cat(), {"STACKS", "web"});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->second, "web");
  EXPECT_FALSE(ParseOneTarget(Cat(), {"stack"}).ok());
  EXPECT_FALSE(ParseOneTarget(Cat(), {"stack/"}).ok());
  EXPECT_EQ(QualifiedName(*a->first, "web"), "stack.berth.dev/web");
}

}  // namespace
}  // namespace berth::cli
