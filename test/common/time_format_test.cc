#include "operator/common/time_format.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

using std::chrono::system_clock;

TEST(TimeFormatTest, RoundTrip) {
  auto t = system_clock::from_time_t(1'800'000'000);
  EXPECT_EQ(FormatRfc3339(t), "2027-01-15T08:00:00Z");
  EXPECT_EQ(ParseRfc3339("2027-01-15T08:00:00Z"), t);
  EXPECT_EQ(ParseRfc3339("2027-01-15T09:00:00+01:00"), t);
  auto micro = t + std::chrono::microseconds(1234);
  EXPECT_EQ(FormatRfc3339Micro(micro), "2027-01-15T08:00:00.001234Z");
  EXPECT_EQ(ParseRfc3339(FormatRfc3339Micro(micro)), micro);
}

TEST(TimeFormatTest, RejectsGarbage) {
  EXPECT_FALSE(ParseRfc3339("yesterday"));
  EXPECT_FALSE(ParseRfc3339("2027-01-15T08:00:00"));
  EXPECT_FALSE(ParseRfc3339("2027-01-15T08:00:00Zjunk"));
}

TEST(TimeFormatTest, HumanAge) {
  using namespace std::chrono_literals;
  EXPECT_EQ(HumanAge(5s), "5s");
  EXPECT_EQ(HumanAge(10min), "10m");
  EXPECT_EQ(HumanAge(5h), "5h");
  EXPECT_EQ(HumanAge(72h), "3d");
}

}  // namespace
}  // namespace berth
