#include "operator/api/codec.h"

#include <gtest/gtest.h>

namespace berth::api {
namespace {

TEST(CodecTest, YamlCoreSchemaTyping) {
  auto j = ParseYaml(R"(
a: 1
b: "1"
c: true
d: yes
e: ~
f: 1.5
g: 0x10
h: '127.0.0.1:3001:3001'
i: 3001:3001
)");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"], 1);
  EXPECT_EQ((*j)["b"], "1");
  EXPECT_EQ((*j)["c"], true);
  EXPECT_EQ((*j)["d"], "yes");
  EXPECT_TRUE((*j)["e"].is_null());
  EXPECT_DOUBLE_EQ((*j)["f"].get<double>(), 1.5);
  EXPECT_EQ((*j)["g"], 16);
  EXPECT_EQ((*j)["h"], "127.0.0.1:3001:3001");
  EXPECT_EQ((*j)["i"], "3001:3001");
}

TEST(CodecTest, MultiDocumentKeepsPositions) {
  auto docs = ParseYamlDocuments("a: 1\n---\n---\nb: 2\n");
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].index, 1);
  EXPECT_EQ((*docs)[1].index, 3);
  EXPECT_EQ((*docs)[1].line, 3);
}

TEST(CodecTest, SyntaxErrorNamesLine) {
  auto docs = ParseYamlDocuments("a: 1\nb: [1, 2\n");
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("line"), std::string::npos);
}

TEST(CodecTest, DuplicateKeysRejected) {
  auto docs = ParseYamlDocuments("a: 1\na: 2\n");
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("duplicate key \"a\""), std::string::npos);
}

// yaml-cpp 0.7, which read YAML before libyaml, looped for ever on these
// (found by fuzz/manifest_fuzzer): now they are syntax errors with a line.
TEST(CodecTest, ARootValueFollowedByACommaIsAnErrorNotAHang) {
  for (const char* text :
       {"{a},", "[a],", "\"q\",", "'q''x',", "x: 1\n---\n{a}\n,", "--- {a},", "# c\n  [a] ,", ",",
        "- a\n,", "# x\n, y\nk: v", "!!bool {},", "&a {},", "!t &a [],", "--- !t {},", "!t\n{},",
        "!t \"x\",", "!<tag:x> [],", "a: 1\n--- !t [],"}) {
    auto docs = ParseYamlDocuments(text);
    ASSERT_FALSE(docs.ok()) << text;
    EXPECT_EQ(docs.status().code(), Code::kInvalid) << text;
    EXPECT_TRUE(docs.status().message().starts_with("line ")) << docs.status().message();
  }
  for (const char* text : {"a: {b}", "{\"a\": \"},\"}", "- [a, b]", "a: it's \"q\", ok"}) {
    EXPECT_TRUE(ParseYamlDocuments(text).ok()) << text;
  }
}

// A multi-line string comes back from ToYaml unchanged, whatever its lines
// start or end with (found by fuzz/manifest_fuzzer: a clipped literal block
// gained a final newline).
TEST(CodecTest, MultiLineStringsRoundTrip) {
  for (const char* s : {"a\n b\n  c", "a\nb", "a\nb\n", "a\n\n", " a\nb", "a \nb\t"}) {
    Json doc = {{"k", {{"d", s}}}};
    auto back = ParseYaml(ToYaml(doc));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, doc) << ToYaml(doc);
  }
}

// Unicode noncharacters (U+FFFF, U+FDD0, U+10FFFE) survive ToYaml, in values
// and in keys, next to a line break and next to text that looks like the
// marker ToYaml uses (found by fuzz/manifest_fuzzer: yaml-cpp wrote U+FFFD).
TEST(CodecTest, NoncharactersRoundTrip) {
  const std::string ffff = "\xEF\xBF\xBF", fdd0 = "\xEF\xB7\x90", p16 = "\xF4\x8F\xBF\xBE";
  Json doc = {{"a", "x" + ffff + "y"},
              {"b" + fdd0, {"line1\n" + p16 + "\nline3", "true" + ffff}},
              {"c", "BERTHNONCHAR0X00FFFF and \\uFFFF"},
              {"d", "plain"}};
  std::string y = ToYaml(doc);
  auto back = ParseYaml(y);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << y;
  EXPECT_EQ(*back, doc) << y;
  EXPECT_NE(y.find("\\uFFFF"), std::string::npos) << y;
  EXPECT_NE(y.find("\\U0010FFFE"), std::string::npos) << y;
  EXPECT_NE(y.find("d: plain"), std::string::npos) << y;
}

TEST(CodecTest, AliasBombRejected) {
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? "," : "") + "*" + prev;
    bomb += "]\n";
    prev = c;
  }
  auto docs = ParseYamlDocuments(bomb);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("too many nodes"), std::string::npos);
}

TEST(CodecTest, YamlRoundTripQuotesAmbiguousStrings) {
  Json j = {{"a", "true"},        {"b", "123"}, {"c", "plain"}, {"d", "line1\nline2\n"},
            {"e", Json::array()}, {"f", "yes"}, {"g", ""}};
  std::string y = ToYaml(j);
  auto back = ParseYaml(y);
  ASSERT_TRUE(back.ok()) << y;
  EXPECT_EQ(*back, j) << y;
}

TEST(CodecTest, JsonErrorsAreBadRequest) {
  auto r = ParseJson("{\"a\": ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kBadRequest);
}

}  // namespace
}  // namespace berth::api
