// Schema: anyOf/oneOf/allOf/not, string coercion, compile errors, explain
// paths and concurrent use. Keywords and messages are in schema_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "operator/api/codec.h"
#include "operator/api/schema.h"

namespace berth::api {
namespace {

std::unique_ptr<Schema> MustCompile(std::string_view yaml) {
  auto j = ParseYaml(yaml);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  auto s = Schema::Compile(j.ok() ? *j : Json::object());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

Json Y(std::string_view yaml) {
  auto j = ParseYaml(yaml);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

// Validates `v` at path "spec" and returns "field: message" per cause.
std::vector<std::string> Check(const Schema& s, Json& v, std::string path = "spec") {
  std::vector<FieldCause> causes;
  s.Validate(v, path, &causes);
  std::vector<std::string> out;
  for (const auto& c : causes) out.push_back(c.field + ": " + c.message);
  return out;
}

std::vector<FieldCause> Causes(const Schema& s, Json v, std::string path = "spec") {
  std::vector<FieldCause> causes;
  s.Validate(v, path, &causes);
  return causes;
}

using Lines = std::vector<std::string>;

constexpr std::string_view kCommand = R"(
anyOf:
  - type: string
  - type: array
    items: {type: string}
)";

TEST(SchemaTest, AnyOfAcceptsEachAlternative) {
  auto s = MustCompile(kCommand);
  EXPECT_TRUE(Causes(*s, "redis-server --appendonly yes").empty());
  EXPECT_TRUE(Causes(*s, Y("[redis-server, --appendonly, 'yes']")).empty());
  auto bad = Causes(*s, 5, "spec.services.web.command");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].field + ": " + bad[0].message,
            "spec.services.web.command: Invalid value: 5: must be a string or an array of strings");
}

TEST(SchemaTest, AnyOfReportsTheOnlyBranchOfTheRightType) {
  // An array is only compatible with the array branch: its own cause is more
  // useful than "must be a string or an array of strings".
  auto s = MustCompile(kCommand);
  auto causes = Causes(*s, Y("[a, 1]"), "spec.command");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.command[1]");
}

TEST(SchemaTest, AnyOfFirstMatchingBranchWinsWithItsDefaults) {
  auto s = MustCompile(R"(
anyOf:
  - type: object
    required: [secretRef]
    properties:
      secretRef:
        type: object
        properties: {name: {type: string}, as: {type: string, default: file}}
  - type: object
    properties:
      other: {type: string, default: x}
)");
  Json v = Y("{secretRef: {name: db}}");
  EXPECT_TRUE(Check(*s, v).empty());
  EXPECT_EQ(v, Y("{secretRef: {name: db, as: file}}"));
  Json w = Y("{}");
  EXPECT_TRUE(Check(*s, w).empty());
  EXPECT_EQ(w, Y("{other: x}"));  // the first branch failed; the second's defaults apply
}

TEST(SchemaTest, OneOfNeedsExactlyOne) {
  auto s = MustCompile(R"(
type: object
required: [path]
oneOf:
  - required: [content]
  - required: [render]
properties:
  path: {type: string}
  content: {type: string}
  render: {type: object}
)");
  EXPECT_TRUE(Causes(*s, Y("{path: /a, content: x}")).empty());
  EXPECT_TRUE(Causes(*s, Y("{path: /a, render: {}}")).empty());
  auto both = Causes(*s, Y("{path: /a, content: x, render: {}}"), "spec.files[0]");
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].field, "spec.files[0]");
  EXPECT_NE(both[0].message.find("must specify exactly one of: content, render"), std::string::npos)
      << both[0].message;
  auto none = Causes(*s, Y("{path: /a}"));
  ASSERT_EQ(none.size(), 1u);
  EXPECT_NE(none[0].message.find("must specify exactly one of: content, render"),
            std::string::npos);
  auto typed = MustCompile("{oneOf: [{type: integer}, {type: number}]}");
  auto two = Causes(*typed, 3);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].message, "Invalid value: 3: must be exactly one of an integer, a number");
  EXPECT_TRUE(Causes(*typed, 3.5).empty());
}

TEST(SchemaTest, AllOfAndNot) {
  auto s = MustCompile(R"(
allOf:
  - {type: string, minLength: 2}
  - {type: string, pattern: '^[a-z]+$'}
not: {type: string, enum: [admin]}
)");
  EXPECT_TRUE(Causes(*s, "alice").empty());
  EXPECT_EQ(Causes(*s, "A").size(), 2u);
  auto admin = Causes(*s, "admin");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_EQ(admin[0].message, "Invalid value: \"admin\": must not be a string");
}

TEST(SchemaTest, CoerceStringTurnsScalarsIntoText) {
  auto s = MustCompile(R"(
type: object
properties:
  env:
    type: object
    additionalProperties: {type: string, x-berth-coerce-string: true}
  plain: {type: string}
)");
  Json v = Y("{env: {PORT: 3001, DEBUG: true, OFF: false, RATIO: 0.5, NAME: x}}");
  EXPECT_TRUE(Check(*s, v).empty());
  EXPECT_EQ(v["env"], Y(R"({PORT: "3001", DEBUG: "true", OFF: "false", RATIO: "0.5", NAME: x})"));
  Json obj = Y("{env: {A: [1]}}");
  EXPECT_EQ(Check(*s, obj).size(), 1u);  // only scalars are coerced
  Json plain = Y("{plain: 1}");
  EXPECT_EQ(Check(*s, plain).size(), 1u);  // and only where the schema asks for it
}

TEST(SchemaTest, CompileErrorsNameTheSchemaPath) {
  auto error = [](std::string_view yaml) {
    auto j = ParseYaml(yaml);
    auto s = Schema::Compile(*j);
    return s.ok() ? std::string("compiled") : s.status().message();
  };
  EXPECT_EQ(error("{type: object, properties: {spec: {type: strnig}}}"),
            "schema properties.spec.type: unsupported type strnig");
  EXPECT_EQ(error("{type: object, properties: {a: {type: string, minLenght: 1}}}"),
            "schema properties.a.minLenght: unknown schema keyword");
  EXPECT_EQ(error("{type: object, x-berth-coerce: true}"),
            "schema x-berth-coerce: unknown schema keyword");
  EXPECT_NE(error(R"({type: string, pattern: '([a-z'})").find("schema pattern: invalid regular"),
            std::string::npos);
  EXPECT_EQ(error("{type: integer, minimum: 1, default: 0}"),
            "schema default: Invalid value: 0: must be greater than or equal to 1");
  EXPECT_EQ(error("{type: object, properties: {p: {type: integer, default: x}}}"),
            "schema properties.p.default: Invalid value: \"string\": in body must be of type "
            "integer");
  EXPECT_EQ(error("{type: integer, x-berth-coerce-string: true}"),
            "schema x-berth-coerce-string: needs type: string");
  EXPECT_EQ(error("{type: number, exclusiveMinimum: true}"),
            "schema exclusiveMinimum: needs the matching minimum/maximum");
  EXPECT_EQ(error("{anyOf: []}"), "schema anyOf: must be a non-empty array");
  EXPECT_EQ(error("{oneOf: [{type: string}, 5]}"), "schema oneOf[1]: must be an object");
  EXPECT_EQ(error("{type: string, maxLength: -1}"),
            "schema maxLength: must be a non-negative integer");
  EXPECT_EQ(error("{type: string, x-vendor-thing: 1, x-kubernetes-validations: [{rule: x}]}"),
            "compiled");  // foreign extensions and CEL rules are ignored
}

TEST(SchemaTest, AtFindsSubSchemasForExplain) {
  auto s = MustCompile(R"(
type: object
description: root
properties:
  spec:
    type: object
    properties:
      services:
        type: object
        additionalProperties:
          type: object
          properties:
            image: {type: string, description: the image}
            ports: {type: array, items: {type: string, description: one port}}
            env:
              type: object
              additionalProperties:
                anyOf:
                  - type: string
                  - type: object
                    properties:
                      secretRef: {type: object, description: from a secret}
)");
  ASSERT_NE(s->At(""), nullptr);
  EXPECT_EQ(s->At("")->source().value("description", ""), "root");
  EXPECT_EQ(s->At("spec.services.image")->source().value("description", ""), "the image");
  EXPECT_EQ(s->At("spec.services.web.image")->source().value("description", ""), "the image");
  EXPECT_EQ(s->At("spec.services.ports")->source().value("type", ""), "array");
  EXPECT_EQ(s->At("spec.services.web.ports[0]")->source().value("type", ""), "array");
  EXPECT_EQ(s->At("spec.services.env.secretRef")->source().value("description", ""),
            "from a secret");
  EXPECT_EQ(s->At("spec.nothing"), nullptr);
  EXPECT_EQ(s->At("spec.services.web.image.deeper"), nullptr);
}

TEST(SchemaTest, ConcurrentValidationIsSafe) {
  auto s = MustCompile(R"(
type: object
properties:
  ports: {type: array, items: {type: string, pattern: '^[0-9]+(:[0-9]+)?$'}}
  env: {type: object, additionalProperties: {type: string, x-berth-coerce-string: true}}
)");
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        Json v = {{"ports", {"8080:80", std::to_string(i)}}, {"env", {{"N", i}}}};
        std::vector<FieldCause> causes;
        s->Validate(v, "spec", &causes);
        if (!causes.empty() || v["env"]["N"] != std::to_string(i)) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace berth::api
