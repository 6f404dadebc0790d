#include "operator/cli/explain.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

const api::Catalog& Cat() {
  return api::Catalog::Builtin();
}

TEST(ExplainTest, TypeNames) {
  EXPECT_EQ(SchemaTypeName(api::Json::parse(R"({"type":"string"})")), "string");
  EXPECT_EQ(SchemaTypeName(api::Json::parse(R"({"type":"array","items":{"type":"string"}})")),
            "[]string");
  EXPECT_EQ(SchemaTypeName(api::Json::parse(
                R"({"type":"object","additionalProperties":{"type":"object","properties":{}}})")),
            "map[string]Object");
  EXPECT_EQ(SchemaTypeName(api::Json::parse(
                R"({"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}]})")),
            "string | []string");
  EXPECT_EQ(SchemaTypeName(api::Json::parse(R"({"x-kubernetes-int-or-string":true})")),
            "IntOrString");
}

TEST(ExplainTest, KindFieldAndNestedThroughMapsAndUnions) {
  auto top = Explain(Cat(), "stacks", false);
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ(top->rfind("KIND:     Stack\nVERSION:  berth.dev/v1alpha1\n\nDESCRIPTION:\n", 0), 0u)
      << *top;
  EXPECT_NE(top->find("  spec\t<Object> -required-\n"), std::string::npos) << *top;

  auto cmd = Explain(Cat(), "stack.spec.services.command", false);
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_NE(cmd->find("FIELD:    command <string | []string>"), std::string::npos) << *cmd;

  // env values are a string or {secretRef|providerRef}: their fields are reachable.
  auto ref = Explain(Cat(), "stack.spec.services.env.secretRef.key", false);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_NE(ref->find("FIELD:    key <string> -required-"), std::string::npos) << *ref;

  auto kind = Explain(Cat(), "stack.spec.services.kind", false);
  ASSERT_TRUE(kind.ok());
  EXPECT_NE(kind->find("One of: service, job"), std::string::npos) << *kind;
  EXPECT_NE(kind->find("Default: \"service\""), std::string::npos) << *kind;
}

TEST(ExplainTest, Errors) {
  EXPECT_EQ(Explain(Cat(), "pods", false).status().code(), Code::kNotFound);
  auto missing = Explain(Cat(), "stack.spec.servics", false);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("(fields: "), std::string::npos);
  EXPECT_NE(missing.status().message().find("services"), std::string::npos);
}

TEST(ExplainTest, WrapKeepsWordsAndIndent) {
  EXPECT_EQ(Wrap("one two three four", 2, 12), "  one two\n  three four\n");
}

}  // namespace
}  // namespace berth::cli
