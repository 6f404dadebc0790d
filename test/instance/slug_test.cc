#include "controllers/instance/slug.h"

#include <gtest/gtest.h>

#include "controllers/instance/naming.h"
#include "operator/api/meta.h"

namespace berth::instance {
namespace {

// The message of the one cause on spec.slug, or every cause joined.
std::string Why(const Status& st) {
  std::string out;
  for (const auto& c : st.causes()) {
    EXPECT_EQ(c.field, "spec.slug");
    out += c.message + "|";
  }
  return out;
}

TEST(SlugTest, GoodSlugs) {
  for (std::string s :
       std::vector<std::string>{"alice", "a", "bob-2", "0abc", std::string(63, 'a')}) {
    EXPECT_TRUE(ValidateSlug(s).ok()) << s;
  }
}

TEST(SlugTest, EachBadSlugSaysWhatIsWrongOnSpecSlug) {
  struct Case {
    std::string slug;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {"alice.example", "must not contain '.'"},
           {"..", "'..'"},
           {"a..b", "'..'"},
           {"a/b", "must not contain '/'"},
           {"../etc", "'..'"},
           {"a b", "spaces"},
           {"alice\n", "line breaks"},
           {"a\tb", "spaces"},
           {"a'b", "quotes"},
           {"a\"b", "quotes"},
           {"a{b", "braces"},
           {"a}b", "braces"},
           {"a;b", "';'"},
           {std::string(64, 'a'), "at most 63 characters"},
           {"Alice", "lower case"},
           {"-alice", "start and end"},
           {"alice-", "start and end"},
           {"a_b", "'_'"},
           {"a$b", "'$'"},
       }) {
    Status st = ValidateSlug(c.slug);
    ASSERT_EQ(st.code(), Code::kInvalid) << c.slug;
    EXPECT_NE(Why(st).find(c.expect), std::string::npos) << c.slug << ": " << Why(st);
  }
  EXPECT_EQ(ValidateSlug("").causes().at(0).reason, "FieldValueRequired");
  // Several problems, several causes.
  EXPECT_GE(ValidateSlug("a.b;c d").causes().size(), 3u);
}

TEST(SlugTest, DefaultSlugFromUser) {
  EXPECT_EQ(*DefaultSlug("alice"), "alice");
  EXPECT_EQ(*DefaultSlug("Alice"), "alice");
  EXPECT_EQ(*DefaultSlug("alice@example.com"), "alice-example-com");
  EXPECT_EQ(*DefaultSlug("bob..smith__x"), "bob-smith-x");
  EXPECT_EQ(*DefaultSlug("-carol-"), "carol");
  EXPECT_EQ(DefaultSlug(std::string(100, 'x'))->size(), 63u);
  std::string tricky = std::string(62, 'a') + "-b";
  EXPECT_EQ(*DefaultSlug(tricky), std::string(62, 'a'));  // cut, then '-' trimmed
  auto none = DefaultSlug("@@@");
  ASSERT_EQ(none.status().code(), Code::kInvalid);
  EXPECT_EQ(none.status().causes().at(0).field, "spec.slug");
  for (std::string u :
       std::vector<std::string>{"alice", "Alice.Smith+tag@mail.example.org", "x_y-z"}) {
    EXPECT_TRUE(ValidateSlug(*DefaultSlug(u)).ok()) << u;
  }
}

TEST(SlugTest, InstanceNamesAreStableDistinctDnsLabels) {
  std::string a = InstanceNameForUser("alice@example.com");
  EXPECT_EQ(a, InstanceNameForUser("alice@example.com"));
  EXPECT_NE(a, InstanceNameForUser("alice@example.org"));
  EXPECT_NE(InstanceNameForUser("Alice"), InstanceNameForUser("alice"));
  EXPECT_TRUE(a.starts_with("alice-example-com-"));
  for (std::string u : std::vector<std::string>{"alice", std::string(128, 'z'), "@@@", "A.B"}) {
    EXPECT_EQ(api::CheckDnsLabel(InstanceNameForUser(u)), "") << u;
  }
  EXPECT_TRUE(InstanceNameForUser("@@@").starts_with("user-"));
  EXPECT_EQ(UserHash("alice").size(), 16u);
}

TEST(NamingTest, UrlLeavesOutTheSchemesDefaultPort) {
  stack::RouterSpec r;
  r.base_domain = "localhost";
  r.public_scheme = "http";
  r.public_port = 8088;
  EXPECT_EQ(Url("alice", r), "http://alice.localhost:8088");
  EXPECT_EQ(Host("alice", r), "alice.localhost");
  r.public_port = 80;
  EXPECT_EQ(Url("alice", r), "http://alice.localhost");
  r.public_scheme = "https";
  r.base_domain = "apps.example.com";
  r.public_port = 443;
  EXPECT_EQ(Url("alice", r), "https://alice.apps.example.com");
  r.public_port = 80;
  EXPECT_EQ(Url("alice", r), "https://alice.apps.example.com:80");
}

TEST(NamingTest, ContainerNamesAndDirs) {
  EXPECT_EQ(ContainerName("beaver", "alice"), "berth_beaver_alice");
  std::string longest = ContainerName(std::string(63, 'n'), std::string(63, 's'));
  EXPECT_EQ(longest.size(), 63u);
  EXPECT_NE(longest, ContainerName(std::string(63, 'n'), std::string(62, 's') + "t"));
  InstanceDirs d = DirsFor("/var/lib/berth", "beaver", "alice");
  EXPECT_EQ(d.root, "/var/lib/berth/instances/beaver/alice");
  EXPECT_EQ(d.data, "/var/lib/berth/instances/beaver/alice/data");
  EXPECT_EQ(d.config, "/var/lib/berth/instances/beaver/alice/config");
}

}  // namespace
}  // namespace berth::instance
