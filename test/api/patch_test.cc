#include "operator/api/patch.h"

#include <gtest/gtest.h>

namespace berth::api {
namespace {

TEST(PatchTest, MergePatchRfc7386) {
  Json target = {{"a", "b"}, {"c", {{"d", "e"}, {"f", "g"}}}};
  Json patch = {{"a", "z"}, {"c", {{"f", nullptr}}}};
  auto out = ApplyMergePatch(target, patch);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (Json{{"a", "z"}, {"c", {{"d", "e"}}}}));
  EXPECT_FALSE(ApplyMergePatch(target, Json::array()).ok());
}

TEST(PatchTest, JsonPatchOperations) {
  Json target = {{"spec", {{"replicas", 1}, {"ports", {"80"}}}}};
  Json patch = Json::parse(R"([
    {"op": "test", "path": "/spec/replicas", "value": 1},
    {"op": "replace", "path": "/spec/replicas", "value": 2},
    {"op": "add", "path": "/spec/ports/-", "value": "443"},
    {"op": "remove", "path": "/spec/ports/0"}
  ])");
  auto out = ApplyJsonPatch(target, patch);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, (Json{{"spec", {{"replicas", 2}, {"ports", {"443"}}}}}));
}

TEST(PatchTest, JsonPatchFailuresNameTheOperation) {
  Json target = {{"spec", {{"replicas", 1}}}};
  auto failed_test = ApplyJsonPatch(
      target, Json::parse(R"([{"op": "test", "path": "/spec/replicas", "value": 5}])"));
  ASSERT_FALSE(failed_test.ok());
  EXPECT_EQ(failed_test.status().code(), Code::kInvalid);
  EXPECT_NE(failed_test.status().message().find("operation 0"), std::string::npos);

  auto missing = ApplyJsonPatch(target, Json::parse(R"([{"op": "remove", "path": "/spec/nope"}])"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kInvalid);

  EXPECT_EQ(ApplyJsonPatch(target, Json::object()).status().code(), Code::kBadRequest);
  EXPECT_EQ(ApplyJsonPatch(target, Json::parse(R"([{"path": "/a"}])")).status().code(),
            Code::kBadRequest);
  EXPECT_FALSE(ApplyJsonPatch(target, Json::parse(R"([{"op": "jump", "path": "/a"}])")).ok());
}

TEST(PatchTest, CreateMergePatchRoundTrips) {
  Json from = {{"a", 1}, {"b", {{"c", 2}, {"d", 3}}}, {"e", {1, 2}}};
  Json to = {{"b", {{"c", 2}, {"d", 4}}}, {"e", {1}}, {"f", "new"}};
  Json patch = CreateMergePatch(from, to);
  EXPECT_EQ(patch, (Json{{"a", nullptr}, {"b", {{"d", 4}}}, {"e", {1}}, {"f", "new"}}));
  EXPECT_EQ(*ApplyMergePatch(from, patch), to);
}

TEST(PatchTest, ThreeWayRemovesDroppedFieldsAndKeepsOthers) {
  // Last applied manifest had env A and B; the new one drops B and changes A.
  Json original = {{"spec", {{"env", {{"A", "1"}, {"B", "2"}}}}}};
  Json modified = {{"spec", {{"env", {{"A", "9"}}}}}};
  // The live object also has a field a controller or another tool set.
  Json current = {{"spec", {{"env", {{"A", "1"}, {"B", "2"}, {"C", "other"}}}}},
                  {"status", {{"phase", "Ready"}}}};
  Json patch = ThreeWayMergePatch(original, modified, current);
  auto out = ApplyMergePatch(current, patch);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["spec"]["env"], (Json{{"A", "9"}, {"C", "other"}}));
  EXPECT_EQ((*out)["status"]["phase"], "Ready");
}

TEST(PatchTest, ThreeWayWithoutHistoryOnlyAdds) {
  Json current = {{"spec", {{"x", 1}, {"y", 2}}}};
  Json modified = {{"spec", {{"x", 3}}}};
  auto out = ApplyMergePatch(current, ThreeWayMergePatch(Json(), modified, current));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (Json{{"spec", {{"x", 3}, {"y", 2}}}}));
}

}  // namespace
}  // namespace berth::api
