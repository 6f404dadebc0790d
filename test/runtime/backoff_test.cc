#include "operator/runtime/backoff.h"

#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;

TEST(BackoffTest, DelayDoublesAndCaps) {
  BackoffOptions o;  // 200 ms .. 60 s
  EXPECT_EQ(BackoffDelay(o, 0, 0.0), 200ms);
  EXPECT_EQ(BackoffDelay(o, 1, 0.0), 400ms);
  EXPECT_EQ(BackoffDelay(o, 8, 0.0), 51200ms);
  EXPECT_EQ(BackoffDelay(o, 9, 0.0), 60s);
  EXPECT_EQ(BackoffDelay(o, 5000, 0.0), 60s) << "huge failure counts do not overflow";
  EXPECT_EQ(BackoffDelay(o, -3, 0.0), 200ms);
}

TEST(BackoffTest, JitterOnlyShortensWithinItsFraction) {
  BackoffOptions o;
  for (int n = 0; n < 20; ++n) {
    auto nominal = BackoffDelay(o, n, 0.0);
    for (int i = 0; i < 100; ++i) {
      auto d = BackoffDelay(o, n, RandomUnit());
      EXPECT_LE(d, nominal);
      EXPECT_GE(d, nominal * 8 / 10);
      EXPECT_LE(d, 60s);
    }
  }
}

TEST(BackoffTest, RandomUnitIsInRange) {
  for (int i = 0; i < 1000; ++i) {
    double u = RandomUnit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(TokenBucketTest, BurstThenSpacedAtRate) {
  testing::FakeClock clock;
  TokenBucket b(50, 100, clock);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.Reserve(), 0ns) << i;
  EXPECT_EQ(b.Reserve(), 20ms);
  EXPECT_EQ(b.Reserve(), 40ms);
  clock.Advance(40ms);  // refills the two reserved tokens
  EXPECT_EQ(b.Reserve(), 20ms);
  clock.Advance(1h);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.Reserve(), 0ns) << "refilled only up to the burst";
  EXPECT_GT(b.Reserve(), 0ns);
}

TEST(TokenBucketTest, NonPositiveRateIsUnlimited) {
  testing::FakeClock clock;
  TokenBucket b(0, 1, clock);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(b.Reserve(), 0ns);
}

}  // namespace
}  // namespace berth::runtime
