// Deletion and its propagation policies through real HTTP, against an
// in-process server over a real SQLite store with the garbage collector
// (controllers/gc) running as `berth serve` runs it: Foreground keeps the
// owner (deletionTimestamp + foregroundDeletion) until its dependents are
// gone, Background removes the owner at once and its dependents after,
// Orphan strips the owner references, and dependents of owners that vanished
// are collected.
#include <gtest/gtest.h>

#include "controllers/gc/service.h"
#include "operator/registry/registry.h"
#include "test/apiserver/fixture.h"

namespace berth::testing {
namespace {

class DeletionTest : public ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    gc::CollectorOptions o;
    o.leader_elect = false;
    collector_ = gc::Collector::Start(*registry_, *store_, o);
  }
  void TearDown() override {
    collector_.reset();  // before the registry and the store go
    ApiServerTest::TearDown();
  }

  std::string Path(const std::string& name = "") const {
    return std::string(kStacks) + (name.empty() ? "" : "/" + name);
  }
  // Creates a Stack; returns its uid.
  std::string Make(const std::string& name, Json owners = Json(),
                   const std::string& finalizer = "") {
    Json s = StackJson(name);
    if (!owners.is_null()) s["metadata"]["ownerReferences"] = std::move(owners);
    if (!finalizer.empty()) s["metadata"]["finalizers"] = {finalizer};
    auto r = Admin().Post(Path(), s);
    EXPECT_EQ(r.code, 201) << r.body;
    return r.code == 201 ? r.json()["metadata"]["uid"].get<std::string>() : "";
  }
  static Json OwnedBy(const std::string& name, const std::string& uid) {
    return Json::array(
        {{{"apiVersion", "berth.dev/v1alpha1"}, {"kind", "Stack"}, {"name", name}, {"uid", uid}}});
  }
  bool Gone(const std::string& name) const { return Admin().Get(Path(name)).code == 404; }
  bool Deleting(const std::string& name) const {
    auto r = Admin().Get(Path(name));
    return r.code == 200 && r.json()["metadata"].contains("deletionTimestamp");
  }
  void Release(const std::string& name) const {
    auto r = Admin().Patch(Path(name), R"({"metadata":{"finalizers":null}})");
    ASSERT_EQ(r.code, 200) << r.body;
  }

  std::unique_ptr<gc::Collector> collector_;
};

constexpr const char* kHold = "test.berth.dev/hold";

TEST_F(DeletionTest, ForegroundKeepsTheOwnerUntilItsDependentsAreGone) {
  std::string uid = Make("owner");
  Make("held", OwnedBy("owner", uid), kHold);
  Make("plain", OwnedBy("owner", uid));

  auto del = Admin().Delete(Path("owner") + "?propagationPolicy=Foreground");
  ASSERT_EQ(del.code, 200) << del.body;
  EXPECT_TRUE(del.json()["metadata"].contains("deletionTimestamp")) << del.body;
  EXPECT_EQ(del.json()["metadata"]["finalizers"], Json::array({"foregroundDeletion"}));

  // The collector deletes the dependents: `plain` goes, `held` is marked and
  // waits for its own finalizer.
  ASSERT_TRUE(Eventually([&] { return Gone("plain"); }));
  ASSERT_TRUE(Eventually([&] { return Deleting("held"); }));
  // So the owner stays, readable, marked for deletion.
  auto owner = Admin().Get(Path("owner"));
  ASSERT_EQ(owner.code, 200) << owner.body;
  EXPECT_TRUE(owner.json()["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(owner.json()["metadata"]["finalizers"], Json::array({"foregroundDeletion"}));
  EXPECT_EQ(owner.json()["metadata"]["uid"], uid);

  // Once the held dependent's finalizer goes, so do it and the owner.
  Release("held");
  EXPECT_TRUE(Gone("held"));
  EXPECT_TRUE(Eventually([&] { return Gone("owner"); })) << Admin().Get(Path("owner")).body;
}

TEST_F(DeletionTest, ForegroundWaitsThroughEveryGeneration) {
  std::string owner = Make("owner");
  std::string child = Make("child", OwnedBy("owner", owner));
  Make("grandchild", OwnedBy("child", child), kHold);

  ASSERT_EQ(Admin().Delete(Path("owner"), R"({"propagationPolicy":"Foreground"})").code, 200);
  // The child has a dependent of its own, so it is deleted in the foreground
  // too: it waits for the grandchild, and the owner waits for the child.
  ASSERT_TRUE(Eventually([&] { return Deleting("grandchild"); }));
  ASSERT_TRUE(Eventually([&] {
    auto c = Admin().Get(Path("child"));
    return c.code == 200 && c.json()["metadata"].value("finalizers", Json::array()) ==
                                Json::array({"foregroundDeletion"});
  }));
  EXPECT_TRUE(Deleting("owner"));

  Release("grandchild");
  EXPECT_TRUE(Eventually([&] { return Gone("child"); }));
  EXPECT_TRUE(Eventually([&] { return Gone("owner"); }));
}

TEST_F(DeletionTest, ForegroundWithoutDependentsFinishesAndKeepsOtherFinalizers) {
  Make("alone");
  ASSERT_EQ(Admin().Delete(Path("alone") + "?propagationPolicy=Foreground").code, 200);
  EXPECT_TRUE(Eventually([&] { return Gone("alone"); }));

  // An owner held by a finalizer of its own loses only foregroundDeletion.
  Make("own", Json(), kHold);
  ASSERT_EQ(Admin().Delete(Path("own") + "?propagationPolicy=Foreground").code, 200);
  ASSERT_TRUE(Eventually([&] {
    auto r = Admin().Get(Path("own"));
    return r.code == 200 && r.json()["metadata"]["finalizers"] == Json::array({kHold});
  }));
  EXPECT_TRUE(Deleting("own"));
  Release("own");
  EXPECT_TRUE(Gone("own"));
}

TEST_F(DeletionTest, BackgroundRemovesTheOwnerAtOnceAndItsDependentsAfter) {
  std::string owner = Make("owner");
  std::string child = Make("child", OwnedBy("owner", owner));
  Make("grandchild", OwnedBy("child", child));
  Make("held", OwnedBy("owner", owner), kHold);

  auto bg = Admin().Delete(Path("owner") + "?propagationPolicy=Background");
  ASSERT_EQ(bg.code, 200) << bg.body;
  EXPECT_TRUE(Gone("owner"));  // at once, whatever its dependents do
  EXPECT_TRUE(Eventually([&] { return Gone("child"); }));
  EXPECT_TRUE(Eventually([&] { return Gone("grandchild"); }));
  EXPECT_TRUE(Eventually([&] { return Deleting("held"); }));

  // The default policy is Background.
  std::string again = Make("owner2");
  Make("dep", OwnedBy("owner2", again));
  ASSERT_EQ(Admin().Delete(Path("owner2")).code, 200);
  EXPECT_TRUE(Gone("owner2"));
  EXPECT_TRUE(Eventually([&] { return Gone("dep"); }));
}

TEST_F(DeletionTest, OrphanRemovesTheOwnerReferences) {
  std::string uid = Make("owner");
  std::string other = Make("other");
  Json refs = OwnedBy("owner", uid);
  refs.push_back(OwnedBy("other", other)[0]);
  Make("dep", refs);
  auto orphan = Admin().Delete(Path("owner"), R"({"propagationPolicy":"Orphan"})");
  ASSERT_EQ(orphan.code, 200) << orphan.body;
  EXPECT_TRUE(Gone("owner"));
  auto kept = Admin().Get(Path("dep"));
  ASSERT_EQ(kept.code, 200);
  EXPECT_EQ(kept.json()["metadata"]["ownerReferences"], OwnedBy("other", other));

  Make("dep2", OwnedBy("other", other));
  ASSERT_EQ(Admin().Delete(Path("other") + "?orphanDependents=true").code, 200);
  auto dep2 = Admin().Get(Path("dep2"));
  ASSERT_EQ(dep2.code, 200);
  EXPECT_FALSE(dep2.json()["metadata"].contains("ownerReferences"));

  EXPECT_EQ(Admin().Delete(Path("dep"), R"({"propagationPolicy":"Sideways"})").code, 422);
}

TEST_F(DeletionTest, DependentsOfVanishedOwnersAreCollected) {
  // Owners that were deleted while no collector ran (or never existed here),
  // owners of a foreign API group, and one live owner among gone ones.
  std::string live = Make("live");
  Json foreign = {
      {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "x"}, {"uid", "u-x"}}};
  Make("foreign", foreign);
  Json mixed = OwnedBy("live", live);
  mixed.push_back(OwnedBy("ghost", "no-such-uid")[0]);
  Make("mixed", mixed);
  Make("orphaned", OwnedBy("ghost", "no-such-uid"));
  // A name now held by another object (another uid) is a vanished owner too.
  Make("replaced", OwnedBy("live", "the-uid-of-an-earlier-live"));

  EXPECT_TRUE(Eventually([&] { return Gone("orphaned"); }));
  EXPECT_TRUE(Eventually([&] { return Gone("replaced"); }));
  EXPECT_TRUE(Eventually([&] {
    auto m = Admin().Get(Path("mixed"));
    return m.code == 200 && m.json()["metadata"]["ownerReferences"] == OwnedBy("live", live);
  }));
  auto f = Admin().Get(Path("foreign"));
  ASSERT_EQ(f.code, 200) << "an owner berth cannot look up is never taken for gone";
  EXPECT_EQ(f.json()["metadata"]["ownerReferences"], foreign);
}

}  // namespace
}  // namespace berth::testing
