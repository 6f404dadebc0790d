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

// Every code point YAML does not allow unescaped, or reads as a line break,
// survives ToYaml in values and keys: the C0 controls, DEL, the C1 controls
// (NEL among them), U+2028 and U+2029 (found by fuzz/manifest_fuzzer:
// yaml-cpp wrote DEL raw, and the reader refused its output).
TEST(CodecTest, ControlCharactersAndLineSeparatorsRoundTrip) {
  auto utf8 = [](uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
  };
  std::vector<uint32_t> cps = {0x7F, 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF};
  for (uint32_t cp = 1; cp < 0x20; ++cp) cps.push_back(cp);
  for (uint32_t cp = 0x80; cp < 0xA0; ++cp) cps.push_back(cp);
  for (uint32_t cp : cps) {
    std::string c = utf8(cp);
    for (const Json& doc : {Json{{"k", "a" + c + "b"}}, Json{{"k" + c, "v"}}, Json{{"k", c}},
                            Json{{"k", {"x", "line\n" + c + "\n"}}}}) {
      std::string y = ToYaml(doc);
      auto back = ParseYaml(y);
      if (!back.ok()) {
        ADD_FAILURE() << "U+" << std::hex << cp << ": " << back.status().ToString() << "\n" << y;
        continue;
      }
      EXPECT_EQ(*back, doc) << "U+" << std::hex << cp << "\n" << y;
    }
  }
}

// What real manifests use reads as before the switch to libyaml: a UTF-8
// byte-order mark and CRLF line ends (files saved on Windows), anchors and
// aliases, compact JSON, block scalars, explicit tags, comments.
TEST(CodecTest, ReadsEverydayYaml) {
  auto j = ParseYaml(
      "\xEF\xBB\xBF"
      "base: &b {image: \"web:1\", ports: [80]}\r\n"
      "copy: *b\r\n"
      "json: {\"a\":1,\"b\":[true,null,\"x\"]}\n"
      "lit: |\n  line1\n   line2\n"
      "fold: >-\n  a\n  b\n"
      "str: !!str 123\n"
      "int: !!int \"7\"\n"
      "bang: ! 12  # a comment\n"
      "'quoted key': 'it''s'\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  Json base = {{"image", "web:1"}, {"ports", {80}}};
  EXPECT_EQ((*j)["base"], base);
  EXPECT_EQ((*j)["copy"], base);
  EXPECT_EQ((*j)["json"], Json::parse(R"({"a":1,"b":[true,null,"x"]})"));
  EXPECT_EQ((*j)["lit"], "line1\n line2\n");
  EXPECT_EQ((*j)["fold"], "a b");
  EXPECT_EQ((*j)["str"], "123");
  EXPECT_EQ((*j)["int"], 7);
  EXPECT_EQ((*j)["bang"], "12");
  EXPECT_EQ((*j)["quoted key"], "it's");
}

// Errors name their line and column, and the document when it is what the
// document says (not its syntax) that is wrong.
TEST(CodecTest, ErrorsNameLineColumnAndDocument) {
  auto syntax = ParseYamlDocuments("a: 1\n---\nb: [1, 2\nc: 3\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_TRUE(syntax.status().message().starts_with("line ")) << syntax.status().message();
  auto alias = ParseYamlDocuments("a: 1\n---\nb: *nope\n");
  ASSERT_FALSE(alias.ok());
  EXPECT_EQ(alias.status().message(),
            "document 2: line 3, column 4: alias *nope refers to no anchor before it");
  auto key = ParseYamlDocuments("{[a]: 1}");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("mapping keys must be strings"), std::string::npos);
  auto deep = ParseYamlDocuments(std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']'));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("nests deeper"), std::string::npos);
  auto ok = ParseYamlDocuments(std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']'));
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
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
