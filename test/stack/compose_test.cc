#include "controllers/stack/compose.h"

#include <gtest/gtest.h>

namespace berth::stack {
namespace {

using namespace std::chrono_literals;

TEST(ComposeTest, PortForms) {
  auto p = ParsePort("127.0.0.1:3001:3001");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<PortMapping>{{"127.0.0.1", 3001, 3001, "tcp"}}));
  EXPECT_EQ(*ParsePort("8080:80"), (std::vector<PortMapping>{{"", 8080, 80, "tcp"}}));
  EXPECT_EQ(*ParsePort("5432"), (std::vector<PortMapping>{{"", 0, 5432, "tcp"}}));
  EXPECT_EQ(*ParsePort("53:53/udp"), (std::vector<PortMapping>{{"", 53, 53, "udp"}}));
  EXPECT_EQ(*ParsePort("[::1]:80:8080"), (std::vector<PortMapping>{{"::1", 80, 8080, "tcp"}}));
  auto range = ParsePort("127.0.0.1:9000-9001:9000-9001/tcp");
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->size(), 2u);
  EXPECT_EQ((*range)[1], (PortMapping{"127.0.0.1", 9001, 9001, "tcp"}));
}

TEST(ComposeTest, BadPorts) {
  for (const char* bad : {"abc", "70000", "1:2:3:4", "80/icmp", "9000-9002:9000-9001", "0"}) {
    EXPECT_FALSE(ParsePort(bad).ok()) << bad;
  }
}

TEST(ComposeTest, Volumes) {
  auto named = ParseVolume("pgdata:/var/lib/postgresql/data");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->type, VolumeMount::Type::kNamed);
  auto bind = ParseVolume("./data/config/api.yaml:/home/api.yaml:ro");
  ASSERT_TRUE(bind.ok());
  EXPECT_EQ(bind->type, VolumeMount::Type::kBind);
  EXPECT_TRUE(bind->relative());
  EXPECT_TRUE(bind->read_only);
  EXPECT_FALSE(ParseVolume("x:relative/target").ok());
  EXPECT_FALSE(ParseVolume("./a/../../etc:/x").ok());
  EXPECT_FALSE(ParseVolume("a:/b:rx").ok());
}

TEST(ComposeTest, DurationsSizesCpus) {
  EXPECT_EQ(*ParseDuration("1m30s"), 90s);
  EXPECT_EQ(*ParseDuration("500ms"), 500ms);
  EXPECT_EQ(*ParseDuration("1.5s"), 1500ms);
  EXPECT_FALSE(ParseDuration("5 minutes").ok());
  EXPECT_EQ(*ParseBytes("512m"), 512LL << 20);
  EXPECT_EQ(*ParseBytes("1Gi"), 1LL << 30);
  EXPECT_EQ(*ParseBytes("2g"), 2LL << 30);
  EXPECT_EQ(*ParseBytes("100"), 100);
  EXPECT_FALSE(ParseBytes("lots").ok());
  EXPECT_EQ(*ParseNanoCpus("0.5"), 500000000);
  EXPECT_FALSE(ParseNanoCpus("-1").ok());
}

TEST(ComposeTest, ShellSplit) {
  EXPECT_EQ(*ShellSplit("redis-server --save 60 1"),
            (std::vector<std::string>{"redis-server", "--save", "60", "1"}));
  EXPECT_EQ(*ShellSplit(R"(sh -c 'echo "hi there"' "a \"b\"" c\ d)"),
            (std::vector<std::string>{"sh", "-c", "echo \"hi there\"", "a \"b\"", "c d"}));
  EXPECT_FALSE(ShellSplit("echo 'oops").ok());
}

}  // namespace
}  // namespace berth::stack
