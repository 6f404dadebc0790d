#include "controllers/gc/owners.h"

#include <gtest/gtest.h>

#include "controllers/gc/index.h"

namespace berth::gc {
namespace {

using api::Json;

api::Object WithOwners(const std::string& name, Json refs) {
  return api::Object(
      Json{{"apiVersion", "berth.dev/v1alpha1"},
           {"kind", "Stack"},
           {"metadata", {{"name", name}, {"namespace", "default"}, {"ownerReferences", refs}}}});
}

Json Ref(const std::string& name, const std::string& uid, const std::string& kind = "Stack",
         const std::string& api_version = "berth.dev/v1alpha1") {
  return Json{{"apiVersion", api_version}, {"kind", kind}, {"name", name}, {"uid", uid}};
}

TEST(OwnerRefsOf, KeepsOnlyReferencesThatIdentifyAnOwner) {
  auto o = WithOwners("d", Json::array({Ref("a", "u1"), Json{{"kind", "Stack"}, {"name", "b"}},
                                        Json{{"kind", "Stack"}, {"uid", 7}, {"name", "c"}},
                                        "not an object", Ref("e", "u5", "Instance")}));
  auto refs = OwnerRefsOf(o);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].name, "a");
  EXPECT_EQ(refs[0].uid, "u1");
  EXPECT_EQ(refs[1].kind, "Instance");
  EXPECT_TRUE(OwnerRefsOf(api::Object(Json{{"metadata", {{"name", "x"}}}})).empty());
}

TEST(IsBerthRef, OnlyBerthGroupOrNoApiVersion) {
  EXPECT_TRUE(IsBerthRef({"berth.dev/v1alpha1", "Stack", "a", "u"}));
  EXPECT_TRUE(IsBerthRef({"", "Stack", "a", "u"}));
  EXPECT_FALSE(IsBerthRef({"apps/v1", "Deployment", "a", "u"}));
  EXPECT_FALSE(IsBerthRef({"berth.devx/v1", "Stack", "a", "u"}));
}

std::vector<OwnerRef> Refs(size_t n) {
  std::vector<OwnerRef> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back({"", "Stack", "o" + std::to_string(i), "u" + std::to_string(i)});
  return out;
}

TEST(Decide, NoOwnersOrOnlySolidOwnersKeeps) {
  EXPECT_EQ(Decide({}, {}, false).action, Verdict::kKeep);
  EXPECT_EQ(Decide(Refs(2), {OwnerState::kSolid, OwnerState::kSolid}, true).action, Verdict::kKeep);
}

TEST(Decide, AllOwnersGoneDeletesInTheBackground) {
  Verdict v = Decide(Refs(2), {OwnerState::kDangling, OwnerState::kDangling}, true);
  EXPECT_EQ(v.action, Verdict::kDelete);
  EXPECT_EQ(v.propagation_policy, "Background");
}

TEST(Decide, AWaitingOwnerDeletesInTheForegroundOnlyWhenThereAreDependents) {
  Verdict with = Decide(Refs(2), {OwnerState::kWaiting, OwnerState::kDangling}, true);
  EXPECT_EQ(with.action, Verdict::kDelete);
  EXPECT_EQ(with.propagation_policy, "Foreground");
  Verdict without = Decide(Refs(1), {OwnerState::kWaiting}, false);
  EXPECT_EQ(without.action, Verdict::kDelete);
  EXPECT_EQ(without.propagation_policy, "Background");
}

TEST(Decide, ALiveOwnerKeepsTheObjectAndDropsTheOtherReferences) {
  Verdict v =
      Decide(Refs(3), {OwnerState::kDangling, OwnerState::kSolid, OwnerState::kWaiting}, false);
  EXPECT_EQ(v.action, Verdict::kRemoveRefs);
  EXPECT_EQ(v.remove_uids, (std::vector<std::string>{"u0", "u2"}));
}

TEST(DependentIndex, FollowsSetReplaceAndRemove) {
  DependentIndex idx;
  auto d1 = WithOwners("d1", Json::array({Ref("a", "ua"), Ref("b", "ub")}));
  auto d2 = WithOwners("d2", Json::array({Ref("a", "ua")}));
  idx.Set(d1);
  idx.Set(d2);
  EXPECT_EQ(idx.DependentsOf("ua").size(), 2u);
  EXPECT_TRUE(idx.HasDependents("ub"));
  // d1 now names only b.
  idx.Set(WithOwners("d1", Json::array({Ref("b", "ub")})));
  ASSERT_EQ(idx.DependentsOf("ua").size(), 1u);
  EXPECT_EQ(idx.DependentsOf("ua")[0].name, "d2");
  idx.Remove(d2);
  EXPECT_FALSE(idx.HasDependents("ua"));
  EXPECT_TRUE(idx.DependentsOf("ua").empty());
  idx.Set(WithOwners("d1", Json::array()));
  EXPECT_FALSE(idx.HasDependents("ub"));
}

}  // namespace
}  // namespace berth::gc
