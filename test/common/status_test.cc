#include "operator/common/status.h"

#include <gtest/gtest.h>

#include "operator/common/result.h"

namespace berth {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Invalid("odd", {{"spec.x", "must be even"}});
  return x / 2;
}

Result<int> Quarter(int x) {
  BERTH_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesCodeMessageAndCauses) {
  Status s = Status::Invalid("bad stack", {{"spec.services.a.image", "Required value"}});
  EXPECT_EQ(s.code(), Code::kInvalid);
  EXPECT_EQ(s.ToString(), "Invalid: bad stack\n  spec.services.a.image: Required value");
  EXPECT_EQ(s.Prefixed("file.yaml").message(), "file.yaml: bad stack");
}

TEST(ResultTest, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().causes().at(0).field, "spec.x");
  EXPECT_EQ(r.value_or(-1), -1);
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r = Status::Ok();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInternal);
}

}  // namespace
}  // namespace berth
