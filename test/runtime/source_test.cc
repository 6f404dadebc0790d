#include "operator/runtime/source.h"

#include <gtest/gtest.h>

#include "operator/runtime/controller.h"
#include "operator/runtime/handler.h"

namespace berth::runtime {
namespace {

using Labels = std::map<std::string, std::string>;

ControllerOptions Named(const std::string& name, Metrics* metrics) {
  ControllerOptions o;
  o.name = name;
  o.metrics = metrics;
  return o;
}

class NoopReconciler : public Reconciler {
 public:
  Result<ReconcileResult> Reconcile(const Request&) override { return ReconcileResult{}; }
};

TEST(OwnerFromLabelsTest, ParsesTheOwnerOfManagedObjects) {
  auto r = OwnerFromLabels(
      {{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", "Stack/default/share"}});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, (api::ObjectRef{"Stack", "default", "share"}));

  auto cluster =
      OwnerFromLabels({{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", "GpuNode/gpu-b"}});
  ASSERT_TRUE(cluster.ok());
  EXPECT_EQ(**cluster, (api::ObjectRef{"GpuNode", "", "gpu-b"}));
}

TEST(OwnerFromLabelsTest, IgnoresObjectsBerthDoesNotManage) {
  auto none = OwnerFromLabels({{"berth.dev/owner", "Stack/default/share"}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "without managed-by=berth the object is not ours";
  auto other = OwnerFromLabels(
      {{"berth.dev/managed-by", "compose"}, {"berth.dev/owner", "Stack/default/share"}});
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  auto ownerless = OwnerFromLabels({{"berth.dev/managed-by", "berth"}});
  ASSERT_TRUE(ownerless.ok());
  EXPECT_FALSE(ownerless->has_value());
}

TEST(OwnerFromLabelsTest, MalformedOwnerIsBadRequest) {
  for (const char* bad : {"", "Stack", "Stack//x", "a/b/c/d", "/default/x"}) {
    auto r = OwnerFromLabels({{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", bad}});
    EXPECT_EQ(r.status().code(), Code::kBadRequest) << bad;
  }
}

TEST(EnqueueOwnerFromLabelsTest, EnqueuesOwnersOfTheRightKind) {
  NoopReconciler rec;
  Metrics metrics;
  Controller c(Named("stack", &metrics), rec);
  auto on_event = EnqueueOwnerFromLabels(c, "Stack");
  on_event({{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", "Stack/default/share"}});
  on_event({{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", "Instance/default/u1"}});
  on_event({{"berth.dev/owner", "Stack/default/unmanaged"}});
  on_event({{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", "garbage"}});
  on_event({{"berth.dev/managed-by", "berth"}, {"berth.dev/owner", "Stack/default/share"}});
  EXPECT_EQ(c.queue().Len(), 1u);
  EXPECT_EQ(c.queue().Get(), "Stack/default/share");
}

api::Object WithOwners(api::Json owner_refs, Labels labels = {}) {
  api::Object o(api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                          {"kind", "Instance"},
                          {"metadata", {{"name", "u1"}, {"namespace", "team"}}}});
  if (!owner_refs.is_null()) o.mutable_metadata()["ownerReferences"] = owner_refs;
  if (!labels.empty()) o.mutable_metadata()["labels"] = labels;
  return o;
}

TEST(OwnersOfTest, ReadsOwnerReferencesThenTheOwnerLabel) {
  auto refs = api::Json::array(
      {{{"apiVersion", "berth.dev/v1alpha1"}, {"kind", "Stack"}, {"name", "web"}, {"uid", "u"}},
       {{"kind", "Provider"}, {"name", "openai"}},
       {{"kind", "Stack"}, {"name", "web"}}});
  EXPECT_EQ(OwnersOf(WithOwners(refs), "Stack"),
            (std::vector<api::ObjectRef>{{"Stack", "team", "web"}}));
  EXPECT_EQ(OwnersOf(WithOwners(refs), "Provider", /*owner_namespaced=*/false),
            (std::vector<api::ObjectRef>{{"Provider", "", "openai"}}));
  EXPECT_EQ(OwnersOf(WithOwners(nullptr, {{"berth.dev/owner", "Stack/other/api"}}), "Stack"),
            (std::vector<api::ObjectRef>{{"Stack", "other", "api"}}));
  EXPECT_TRUE(
      OwnersOf(WithOwners(nullptr, {{"berth.dev/owner", "Stack/other/api"}}), "GpuNode").empty());
  EXPECT_TRUE(OwnersOf(WithOwners(nullptr), "Stack").empty());
}

TEST(HandlerTest, EnqueueSelfAndOwner) {
  NoopReconciler rec;
  Metrics metrics;
  Controller self(Named("instance", &metrics), rec);
  Controller owner(Named("stack", &metrics), rec);
  EventHandler hs = EnqueueSelf(self);
  EventHandler ho = EnqueueOwner(owner, "Stack");
  auto a = WithOwners(api::Json::array({{{"kind", "Stack"}, {"name", "old"}}}));
  auto b = WithOwners(api::Json::array({{{"kind", "Stack"}, {"name", "new"}}}));
  hs.on_update(a, b);
  hs.on_delete(b);
  EXPECT_EQ(self.queue().Len(), 1u);
  EXPECT_EQ(self.queue().Get(), "Instance/team/u1");
  ho.on_update(a, b);
  EXPECT_EQ(owner.queue().Len(), 2u) << "both the old and the new owner";
}

}  // namespace
}  // namespace berth::runtime
