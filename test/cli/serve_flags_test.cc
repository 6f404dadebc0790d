// `berth serve` flags that need more than CLI11's checks.
#include <gtest/gtest.h>

#include "operator/cli/commands.h"

namespace berth::cli {
namespace {

TEST(ServeFlagsTest, InstanceQuotaTakesADefaultAndPerNamespaceLimits) {
  serve::Options o;
  ASSERT_TRUE(ParseInstanceQuotas({}, &o).ok());
  EXPECT_EQ(o.instance_quota, 0);
  EXPECT_TRUE(o.instance_quotas.empty());

  ASSERT_TRUE(ParseInstanceQuotas({"20", "team-a=5", "team-b=0", "team-a=7"}, &o).ok());
  EXPECT_EQ(o.instance_quota, 20);
  EXPECT_EQ(o.instance_quotas, (std::map<std::string, int>{{"team-a", 7}, {"team-b", 0}}));
}

TEST(ServeFlagsTest, InstanceQuotaRefusesBadValuesNamingThem) {
  for (const char* bad :
       {"-1", "x", "", "team-a=", "=5", "Team=5", "a.b=5", "team=1e3", "9999999999"}) {
    serve::Options o;
    Status st = ParseInstanceQuotas({bad}, &o);
    ASSERT_EQ(st.code(), Code::kInvalid) << bad;
    EXPECT_NE(st.message().find(std::string("\"") + bad + "\""), std::string::npos) << st.message();
    ASSERT_FALSE(st.causes().empty());
    EXPECT_EQ(st.causes()[0].field, "--instance-quota");
  }
}

}  // namespace
}  // namespace berth::cli
