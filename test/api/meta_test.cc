#include "operator/api/meta.h"

#include <gtest/gtest.h>

namespace berth::api {
namespace {

TEST(MetaTest, DnsNames) {
  EXPECT_EQ(CheckDnsLabel("alice"), "");
  EXPECT_NE(CheckDnsLabel("Alice"), "");
  EXPECT_NE(CheckDnsLabel("a.b"), "");
  EXPECT_NE(CheckDnsLabel("-a"), "");
  EXPECT_NE(CheckDnsLabel(std::string(64, 'a')), "");
  EXPECT_EQ(CheckDnsSubdomain("a.b-c"), "");
  EXPECT_NE(CheckDnsSubdomain("a..b"), "");
  EXPECT_NE(CheckDnsSubdomain("../etc"), "");
}

TEST(MetaTest, LabelSyntax) {
  EXPECT_EQ(CheckLabelKey("berth.dev/owner"), "");
  EXPECT_EQ(CheckLabelKey("app"), "");
  EXPECT_NE(CheckLabelKey("bad key"), "");
  EXPECT_EQ(CheckLabelValue(""), "");
  EXPECT_NE(CheckLabelValue("a b"), "");
}

TEST(MetaTest, ValidateMetadataNamesFields) {
  Object o(Json{{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "Stack"},
                {"metadata", {{"name", "Bad_Name"}, {"labels", {{"ok", "a b"}}}}}});
  Status s = ValidateMetadata(o, true);
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(s.causes().size(), 2u);
  EXPECT_EQ(s.causes()[0].field, "metadata.name");
  EXPECT_EQ(s.causes()[1].field, "metadata.labels.ok");
}

TEST(MetaTest, ClusterScopedRejectsNamespace) {
  Object o(Json{{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "GpuNode"},
                {"metadata", {{"name", "gpu-b"}, {"namespace", "default"}}}});
  EXPECT_FALSE(ValidateMetadata(o, false).ok());
}

TEST(MetaTest, ConditionTransitionTimeMovesOnlyOnStatusChange) {
  Json status;
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000);
  EXPECT_TRUE(SetCondition(status, {"Ready", "False", "Starting", "", 1}, t0));
  EXPECT_TRUE(
      SetCondition(status, {"Ready", "False", "Waiting", "db", 1}, t0 + std::chrono::hours(1)));
  EXPECT_EQ((*FindCondition(status, "Ready"))["lastTransitionTime"], "2027-01-15T08:00:00Z");
  EXPECT_FALSE(SetCondition(status, {"Ready", "False", "Waiting", "db", 1}, t0));
  EXPECT_TRUE(SetCondition(status, {"Ready", "True", "Ready", "", 1}, t0 + std::chrono::hours(2)));
  EXPECT_EQ((*FindCondition(status, "Ready"))["lastTransitionTime"], "2027-01-15T10:00:00Z");
  EXPECT_TRUE(IsConditionTrue(status, "Ready"));
}

TEST(MetaTest, Finalizers) {
  Object o;
  o.AddFinalizer("berth.dev/cleanup");
  o.AddFinalizer("berth.dev/cleanup");
  EXPECT_EQ(o.finalizers().size(), 1u);
  o.RemoveFinalizer("berth.dev/cleanup");
  EXPECT_FALSE(o.metadata().contains("finalizers"));
}

}  // namespace
}  // namespace berth::api
