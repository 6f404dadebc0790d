#include "operator/runtime/lease.h"

#include <gtest/gtest.h>

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;

TEST(LeaseTest, RoundTrips) {
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000) + 123456us;
  Lease l{"host_1_ab", 8, t0, t0 + 2s, 3};
  std::string json = EncodeLease(l);
  EXPECT_NE(json.find("\"holderIdentity\":\"host_1_ab\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"renewTime\":\"2027-01-15T08:00:02.123456Z\""), std::string::npos) << json;
  auto back = DecodeLease(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->holder_identity, "host_1_ab");
  EXPECT_EQ(back->lease_duration_seconds, 8);
  EXPECT_EQ(back->acquire_time, t0);
  EXPECT_EQ(back->renew_time, t0 + 2s);
  EXPECT_EQ(back->lease_transitions, 3);
}

TEST(LeaseTest, RejectsGarbage) {
  EXPECT_EQ(DecodeLease("not json").status().code(), Code::kBadRequest);
  EXPECT_EQ(DecodeLease("{}").status().code(), Code::kBadRequest);
  EXPECT_EQ(DecodeLease(R"({"leaseDurationSeconds":5,"renewTime":"yesterday"})").status().code(),
            Code::kBadRequest);
}

TEST(LeaseTest, ExpiresAfterRenewTimePlusDuration) {
  auto t0 = std::chrono::system_clock::from_time_t(1'800'000'000);
  Lease l{"a", 8, t0, t0, 0};
  EXPECT_FALSE(LeaseExpired(l, t0 + 8s));
  EXPECT_TRUE(LeaseExpired(l, t0 + 8s + 1us));
  l.holder_identity.clear();
  EXPECT_TRUE(LeaseExpired(l, t0)) << "a released lease is free at once";
}

}  // namespace
}  // namespace berth::runtime
