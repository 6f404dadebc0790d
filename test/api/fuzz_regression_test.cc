// Regression tests for the defects the fuzz targets (fuzz/) found in the api
// layer; each test names the input class that used to crash or misbehave.
#include <gtest/gtest.h>

#include <string>

#include "operator/api/codec.h"
#include "operator/api/patch.h"
#include "operator/api/selector.h"

namespace berth::api {
namespace {

// An integer above int64's range but within uint64's is unsigned in JSON and
// was a string in YAML: ToYaml of the JSON value read back as a string.
TEST(FuzzRegressionTest, IntegersAboveInt64AreUnsignedInYamlAsInJson) {
  auto j = ParseJson("9999999999999999999");
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE(j->is_number_unsigned());
  auto y = ParseYaml(ToYaml(*j));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(*y, *j);
  EXPECT_EQ(*ParseYaml("a: 18446744073709551615\n"), Json({{"a", 18446744073709551615ull}}));
  EXPECT_EQ(*ParseYaml("a: +9223372036854775808\n"), Json({{"a", 9223372036854775808ull}}));
  // Beyond uint64, or below int64, the text is kept rather than digits lost.
  EXPECT_EQ(*ParseYaml("a: 18446744073709551616\n"), Json({{"a", "18446744073709551616"}}));
  EXPECT_EQ(*ParseYaml("a: -9223372036854775809\n"), Json({{"a", "-9223372036854775809"}}));
  EXPECT_EQ(*ParseYaml("a: 9223372036854775807\n"), Json({{"a", 9223372036854775807ll}}));
}

// YAML strings were passed through unchecked; a later dump() (store, API
// response, last-applied annotation) threw json type_error 316.
TEST(FuzzRegressionTest, YamlRejectsInvalidUtf8) {
  for (std::string bad : {"a: \xff\n", "a: \"x\xc3\"\n", "\xfe: 1\n", "a: \xc0\xaf\n",
                          "a: \xed\xa0\x80\n", "a: \xf4\x90\x80\x80\n", "- [b, \xe2\x82]\n"}) {
    auto j = ParseYaml(bad);
    ASSERT_FALSE(j.ok()) << bad;
    EXPECT_EQ(j.status().code(), Code::kInvalid);
    EXPECT_NE(j.status().message().find("invalid UTF-8"), std::string::npos)
        << j.status().message();
  }
  auto ok = ParseYaml("a: \"\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80\"\nb: \"\\xff\"\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)["a"], "\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80");
  EXPECT_EQ((*ok)["b"], "\xc3\xbf");  // the escape means U+00FF, not the byte
  EXPECT_NO_THROW((void)ok->dump());
}

// std::regex matched plain scalars recursively, one frame per character: a
// long scalar overflowed the stack.
TEST(FuzzRegressionTest, YamlLongPlainScalarsDoNotOverflowTheStack) {
  std::string digits(300000, '7');
  auto j = ParseYaml("a: " + digits + "\nb: 1." + digits + "\nc: " + std::string(300000, 'x'));
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"], digits);  // too large for int64: kept as text
  EXPECT_TRUE((*j)["b"].is_number_float());
  EXPECT_EQ((*j)["c"].get<std::string>().size(), 300000u);
  EXPECT_GT(ToYaml(*j).size(), 600000u);
}

// std::stod threw std::out_of_range (uncaught) for floats beyond a double.
TEST(FuzzRegressionTest, YamlFloatsOutOfRange) {
  auto j = ParseYaml("a: 1e400\nb: -1.5E+999\nc: 1e-400\nd: 2.5e3\ne: .5\nf: -.inf\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"], "1e400");  // JSON has no Inf: the text is kept
  EXPECT_EQ((*j)["b"], "-1.5E+999");
  EXPECT_TRUE((*j)["c"].is_number_float());
  EXPECT_DOUBLE_EQ((*j)["c"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ((*j)["d"].get<double>(), 2500.0);
  EXPECT_DOUBLE_EQ((*j)["e"].get<double>(), 0.5);
  EXPECT_EQ((*j)["f"], "-.inf");
}

// The core-schema forms still resolve as before without std::regex.
TEST(FuzzRegressionTest, YamlScalarForms) {
  auto j = ParseYaml("[+12, -0, 0o17, 0x1F, 0x, 0o8, 1., .e1, 1e, 1e+5, +.5, .NaN, -.NaN, 1_0]");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  Json want = Json::parse(R"([12, 0, 15, 31, "0x", "0o8", 1.0, ".e1", "1e", 100000.0, 0.5,
                              ".NaN", "-.NaN", "1_0"])");
  EXPECT_EQ(*j, want);
  EXPECT_TRUE((*j)[6].is_number_float());
}

// Deeply nested JSON parsed fine but later copies, comparisons and dump()
// recursed once per level and overflowed the stack.
TEST(FuzzRegressionTest, JsonNestingIsBounded) {
  auto nested = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_TRUE(ParseJson(nested(kMaxDepth)).ok());
  auto deep = ParseJson(nested(kMaxDepth + 1));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), Code::kBadRequest);
  EXPECT_FALSE(ParseJson(nested(200000)).ok());
  EXPECT_FALSE(ParseJson(std::string(100000, '{')).ok());
  // Brackets inside strings (escaped quotes included) do not nest.
  std::string in_string = "[\"\\\"" + std::string(500, '[') + "\"]";
  auto s = ParseJson(in_string);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)[0].get<std::string>().size(), 501u);
}

// The field-selector parser split at "!=" anywhere before "=": in
// "metadata.name=a!=b" the path became "metadata.name=a", a field no object
// has, so the selector matched every object.
TEST(FuzzRegressionTest, FieldSelectorSplitsAtTheLeftmostOperator) {
  auto s = FieldSelector::Parse("metadata.name=a!=b");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->requirements().size(), 1u);
  EXPECT_EQ(s->requirements()[0].path, "metadata.name");
  EXPECT_TRUE(s->requirements()[0].equals);
  EXPECT_EQ(s->requirements()[0].value, "a!=b");
  EXPECT_FALSE(s->Matches(Json{{"metadata", {{"name", "web"}}}}));

  auto ne = FieldSelector::Parse("status.phase != =x");
  ASSERT_TRUE(ne.ok());
  EXPECT_FALSE(ne->requirements()[0].equals);
  EXPECT_EQ(ne->requirements()[0].value, "=x");
}

// Paths with operator characters could not be written back unambiguously.
TEST(FuzzRegressionTest, FieldSelectorPathsAreFieldNames) {
  EXPECT_FALSE(FieldSelector::Parse("u$    !   =! x").ok());
  EXPECT_FALSE(FieldSelector::Parse("a b=c").ok());
  EXPECT_FALSE(FieldSelector::Parse("metadata.na!me=c").ok());
  EXPECT_TRUE(FieldSelector::Parse("spec.user_name-2=c").ok());
}

// A non-object manifest made ThreeWayMergePatch read its elements as members
// "0", "1", ...: the patch turned the object into {"0": ..., "1": ...}
// instead of being refused.
TEST(FuzzRegressionTest, ThreeWayPatchOfANonObjectManifest) {
  Json original = {{"a", 1}};
  Json current = {{"a", 1}, {"b", 2}};
  for (const Json& modified : {Json::array({1, 2}), Json(5), Json("x"), Json()}) {
    Json patch = ThreeWayMergePatch(original, modified, current);
    EXPECT_EQ(patch, modified);
    EXPECT_FALSE(ApplyMergePatch(current, patch).ok()) << patch.dump();
  }
}

}  // namespace
}  // namespace berth::api
