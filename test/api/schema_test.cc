// Schema: every supported keyword, defaults, unknown fields, anyOf/oneOf,
// coercion and the exact Kubernetes-style messages.
#include "operator/api/schema.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "operator/api/codec.h"

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

TEST(SchemaTest, TypeErrorsReadLikeKubernetes) {
  auto s = MustCompile(R"(
type: object
properties:
  i: {type: integer}
  n: {type: number}
  b: {type: boolean}
  s: {type: string}
  a: {type: array}
  o: {type: object}
)");
  Json v = Y(R"({i: "3", n: "x", b: "yes", s: 1, a: {}, o: []})");
  EXPECT_EQ(Check(*s, v),
            (Lines{
                "spec.a: Invalid value: \"object\": spec.a in body must be of type array",
                "spec.b: Invalid value: \"string\": spec.b in body must be of type boolean",
                "spec.i: Invalid value: \"string\": spec.i in body must be of type integer",
                "spec.n: Invalid value: \"string\": spec.n in body must be of type number",
                "spec.o: Invalid value: \"array\": spec.o in body must be of type object",
                "spec.s: Invalid value: \"integer\": spec.s in body must be of type string",
            }));
  EXPECT_EQ(Causes(*s, Y("{i: x}"))[0].reason, "FieldValueTypeInvalid");
  Json root = "x";
  EXPECT_EQ(Check(*s, root, ""),
            Lines{": Invalid value: \"string\": in body must be of type object"});
}

TEST(SchemaTest, WholeFloatsAreIntegersAndIntegersAreNumbers) {
  auto s = MustCompile("{type: object, properties: {i: {type: integer}, n: {type: number}}}");
  Json v = Y("{i: 3.0, n: 2}");
  EXPECT_TRUE(Check(*s, v).empty());
  EXPECT_TRUE(v["i"].is_number_integer());
  Json bad = Y("{i: 3.5}");
  EXPECT_EQ(Check(*s, bad),
            Lines{"spec.i: Invalid value: \"number\": spec.i in body must be of type integer"});
}

TEST(SchemaTest, RequiredValue) {
  auto s = MustCompile(
      "{type: object, required: [image, name], properties: {image: {type: "
      "string}, name: {type: string}}}");
  auto causes = Causes(*s, Y("{name: x}"), "spec.services.web");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.services.web.image");
  EXPECT_EQ(causes[0].message, "Required value");
  EXPECT_EQ(causes[0].reason, "FieldValueRequired");
}

TEST(SchemaTest, EnumListsSupportedValues) {
  auto s = MustCompile("{type: string, enum: [healthy, completed, started]}");
  auto causes = Causes(*s, "ready", "spec.services.pg_init.dependsOn.postgres");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field + ": " + causes[0].message,
            "spec.services.pg_init.dependsOn.postgres: Unsupported value: \"ready\": supported "
            "values: \"healthy\", \"completed\", \"started\"");
  EXPECT_EQ(causes[0].reason, "FieldValueNotSupported");
  auto ints = MustCompile("{type: integer, enum: [1, 2]}");
  EXPECT_EQ(Causes(*ints, 3)[0].message, "Unsupported value: 3: supported values: 1, 2");
  EXPECT_TRUE(Causes(*ints, 2).empty());
}

TEST(SchemaTest, PatternWithAndWithoutHint) {
  auto raw = MustCompile(R"({type: string, pattern: '^[0-9]+$'})");
  EXPECT_EQ(Causes(*raw, "abc", "spec.x")[0].message,
            "Invalid value: \"abc\": must match ^[0-9]+$");
  auto hinted =
      MustCompile(R"({type: string, pattern: '^[0-9]+$', x-berth-pattern-hint: must be digits})");
  auto causes = Causes(*hinted, "abc", "spec.services.web.ports[0]");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.services.web.ports[0]");
  EXPECT_EQ(causes[0].message, "Invalid value: \"abc\": must be digits");
  EXPECT_EQ(causes[0].reason, "FieldValueInvalid");
  // Like Go's MatchString, an unanchored pattern matches anywhere.
  auto unanchored = MustCompile("{type: string, pattern: 'b'}");
  EXPECT_TRUE(Causes(*unanchored, "abc").empty());
}

TEST(SchemaTest, PatternRefusesHugeInputsInsteadOfOverflowing) {
  auto s = MustCompile(R"({type: string, pattern: '^(a|b)*$'})");
  EXPECT_TRUE(Causes(*s, std::string(4000, 'a')).empty());
  auto causes = Causes(*s, std::string(100000, 'a'));
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].message.find("must be no more than 4096 characters"), std::string::npos);
}

TEST(SchemaTest, NumericBounds) {
  auto s = MustCompile(R"(
type: object
properties:
  count: {type: integer, minimum: 1, maximum: 64}
  util: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 1}
  below: {type: number, exclusiveMaximum: 10}
  step: {type: integer, multipleOf: 5}
)");
  EXPECT_EQ(Causes(*s, Y("{count: 0}"), "spec.services.web.resources.gpus")[0].field + ": " +
                Causes(*s, Y("{count: 0}"))[0].message,
            "spec.services.web.resources.gpus.count: Invalid value: 0: must be greater than or "
            "equal to 1");
  Json v = Y("{count: 65, util: 0, below: 10, step: 7}");
  EXPECT_EQ(Check(*s, v), (Lines{
                              "spec.below: Invalid value: 10: must be less than 10",
                              "spec.count: Invalid value: 65: must be less than or equal to 64",
                              "spec.step: Invalid value: 7: must be a multiple of 5",
                              "spec.util: Invalid value: 0: must be greater than 0",
                          }));
  Json ok = Y("{count: 64, util: 1, below: 9.5, step: 10}");
  EXPECT_TRUE(Check(*s, ok).empty());
  Json frac = Y("{util: 1.5}");
  EXPECT_EQ(Check(*s, frac),
            Lines{"spec.util: Invalid value: 1.5: must be less than or equal to 1"});
}

TEST(SchemaTest, StringLengthsCountCharacters) {
  auto s = MustCompile("{type: string, minLength: 1, maxLength: 5}");
  EXPECT_TRUE(Causes(*s, "héllo").empty());  // 5 characters, 6 bytes
  auto empty = Causes(*s, "");
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].message, "Invalid value: \"\": must be at least 1 character long");
  auto long_ = Causes(*s, "abcdef");
  ASSERT_EQ(long_.size(), 1u);
  EXPECT_EQ(long_[0].message, "Too long: may not be longer than 5 characters");
  EXPECT_EQ(long_[0].reason, "FieldValueTooLong");
}

TEST(SchemaTest, ArrayKeywords) {
  auto s = MustCompile(R"(
type: array
minItems: 1
maxItems: 3
uniqueItems: true
items: {type: string}
)");
  EXPECT_EQ(Causes(*s, Json::array())[0].message, "Invalid value: []: must have at least 1 item");
  auto many = Causes(*s, Y("[a, b, c, d]"));
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].message, "Too many: 4: must have at most 3 items");
  EXPECT_EQ(many[0].reason, "FieldValueTooMany");
  auto dup = Causes(*s, Y("[a, b, a]"), "spec.networks");
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].field, "spec.networks[2]");
  EXPECT_EQ(dup[0].message, "Duplicate value: \"a\"");
  EXPECT_EQ(dup[0].reason, "FieldValueDuplicate");
  auto item = Causes(*s, Y("[a, 1]"), "spec.x");
  ASSERT_EQ(item.size(), 1u);
  EXPECT_EQ(item[0].field, "spec.x[1]");
}

TEST(SchemaTest, ListTypeMapAndSetFindDuplicates) {
  auto map = MustCompile(R"(
type: array
x-kubernetes-list-type: map
x-kubernetes-list-map-keys: [path]
items:
  type: object
  properties: {path: {type: string}, mode: {type: integer, default: 292}}
)");
  auto causes = Causes(*map, Y("[{path: /a}, {path: /b}, {path: /a, mode: 1}]"), "spec.files");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.files[2]");
  EXPECT_EQ(causes[0].message, "Duplicate value: {\"path\":\"/a\"}");
  auto set = MustCompile("{type: array, x-kubernetes-list-type: set, items: {type: integer}}");
  EXPECT_EQ(Causes(*set, Y("[1, 2, 1]")).size(), 1u);
}

TEST(SchemaTest, ObjectSizeKeywords) {
  auto s = MustCompile(
      "{type: object, minProperties: 1, maxProperties: 2, additionalProperties: {type: string}}");
  auto none = Causes(*s, Json::object(), "spec.services");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].field + ": " + none[0].message,
            "spec.services: Invalid value: {}: must have at least 1 property");
  auto many = Causes(*s, Y("{a: x, b: y, c: z}"));
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].message, "Too many: 3: must have at most 2 properties");
}

TEST(SchemaTest, Formats) {
  auto s = MustCompile(R"(
type: object
properties:
  t: {type: string, format: date-time}
  b: {type: string, format: byte}
  d: {type: string, format: duration}
  p: {x-kubernetes-int-or-string: true}
  q: {type: string, format: int-or-string}
  other: {type: string, format: email}
)");
  Json ok = Y(R"({t: "2024-01-15T10:00:00Z", b: "aGVsbG8=", d: 1m30s, p: 8080, q: http,
               other: anything})");
  EXPECT_TRUE(Check(*s, ok).empty());
  Json ok2 = Y(R"({t: "2024-01-15T10:00:00.5+02:00", b: "", d: "0", p: http, q: 80})");
  EXPECT_TRUE(Check(*s, ok2).empty());
  Json bad = Y(R"({t: yesterday, b: "not base64!", d: 30, p: 1.5, q: true})");
  EXPECT_EQ(
      Check(*s, bad),
      (Lines{
          "spec.b: Invalid value: \"not base64!\": must be base64-encoded",
          "spec.d: Invalid value: \"integer\": spec.d in body must be of type string",
          "spec.p: Invalid value: \"number\": spec.p in body must be of type integer or string",
          "spec.q: Invalid value: \"boolean\": spec.q in body must be of type integer or string",
          "spec.t: Invalid value: \"yesterday\": must be an RFC 3339 date-time such as "
          "2024-01-15T10:00:00Z",
      }));
  Json dur = Y("{d: 30x}");
  EXPECT_EQ(
      Check(*s, dur),
      Lines{"spec.d: Invalid value: \"30x\": must be a duration such as 30s, 1m30s or 500ms"});
}

TEST(SchemaTest, DefaultsApplyRecursively) {
  auto s = MustCompile(R"(
type: object
properties:
  kind: {type: string, default: service}
  healthcheck:
    type: object
    properties:
      interval: {type: string, default: 30s}
      retries: {type: integer, default: 3}
  router:
    type: object
    default: {}
    properties:
      publicPort: {type: integer, default: 80}
      tls:
        type: object
        default: {enabled: false}
        properties:
          enabled: {type: boolean}
          port: {type: integer, default: 443}
  files:
    type: array
    items:
      type: object
      properties: {mode: {type: integer, default: 292}}
  absent:
    type: object
    properties: {x: {type: integer, default: 1}}
)");
  Json v = Y("{healthcheck: {retries: 5}, files: [{}, {mode: 384}]}");
  EXPECT_TRUE(Check(*s, v).empty());
  EXPECT_EQ(v, Y(R"(
kind: service
healthcheck: {interval: 30s, retries: 5}
router: {publicPort: 80, tls: {enabled: false, port: 443}}
files: [{mode: 292}, {mode: 384}]
)"));
}

TEST(SchemaTest, NullMeansAbsentUnlessNullable) {
  auto s = MustCompile(R"(
type: object
required: [image]
properties:
  image: {type: string}
  restart: {type: string, default: always}
  note: {type: string, nullable: true}
  env: {type: object, additionalProperties: {type: string}}
)");
  Json v = Y("{image: x, restart: null, note: null}");
  EXPECT_TRUE(Check(*s, v).empty());
  EXPECT_EQ(v, Y("{image: x, restart: always, note: null}"));
  Json missing = Y("{image: null}");
  EXPECT_EQ(Check(*s, missing), Lines{"spec.image: Required value"});
  // A null map value is not silently dropped: `FOO:` with no value is an error.
  Json env = Y("{image: x, env: {FOO: null}}");
  EXPECT_EQ(Check(*s, env),
            Lines{"spec.env.FOO: Invalid value: \"null\": spec.env.FOO in body must be of type "
                  "string"});
}

TEST(SchemaTest, UnknownFields) {
  auto closed = MustCompile("{type: object, properties: {a: {type: string}}}");
  auto causes = Causes(*closed, Y("{a: x, foo: 1}"));
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field + ": " + causes[0].message, "spec.foo: field not declared in schema");
  EXPECT_EQ(causes[0].reason, "FieldValueForbidden");
  auto closed_false =
      MustCompile("{type: object, additionalProperties: false, properties: {a: {type: string}}}");
  EXPECT_EQ(Causes(*closed_false, Y("{b: 1}")).size(), 1u);
  auto open = MustCompile("{type: object, additionalProperties: true}");
  EXPECT_TRUE(Causes(*open, Y("{b: 1, c: [x]}")).empty());
  auto preserve = MustCompile(
      "{type: object, x-kubernetes-preserve-unknown-fields: true, properties: {a: {type: "
      "integer}}}");
  Json kept = Y("{a: 1, b: {c: d}}");
  EXPECT_TRUE(Check(*preserve, kept).empty());
  EXPECT_EQ(kept, Y("{a: 1, b: {c: d}}"));
  EXPECT_EQ(Causes(*preserve, Y("{a: x}")).size(), 1u);  // declared fields still checked
  auto embedded = MustCompile(
      "{type: object, x-kubernetes-embedded-resource: true, properties: {spec: {type: object, "
      "x-kubernetes-preserve-unknown-fields: true}}}");
  EXPECT_TRUE(Causes(*embedded, Y("{apiVersion: v1, kind: X, metadata: {}, spec: {}}")).empty());
  EXPECT_EQ(Causes(*embedded, Y("{status: {}}")).size(), 1u);
  // Nested unknown fields name their full path.
  auto nested = MustCompile(
      "{type: object, properties: {services: {type: object, additionalProperties: {type: object, "
      "properties: {image: {type: string}}}}}}");
  Json v = Y("{services: {web: {image: x, imgae: y}}}");
  EXPECT_EQ(Check(*nested, v), Lines{"spec.services.web.imgae: field not declared in schema"});
}

TEST(SchemaTest, PropertyNames) {
  auto s = MustCompile(R"(
type: object
x-berth-property-names:
  type: string
  maxLength: 63
  pattern: '^[a-z0-9]([-_a-z0-9]*[a-z0-9])?$'
  x-berth-pattern-hint: must be a service name
additionalProperties: {type: object}
)");
  Json v = Y("{pg_init: {}, gpt-load: {}, firecrawl-playwright: {}, Bad_Name: {}}");
  EXPECT_EQ(Check(*s, v, "spec.services"),
            Lines{"spec.services.Bad_Name: Invalid value: \"Bad_Name\": must be a service name"});
  Json long_name = Json::object();
  long_name[std::string(64, 'a')] = Json::object();
  EXPECT_EQ(Causes(*s, long_name).size(), 1u);
}

}  // namespace
}  // namespace berth::api
