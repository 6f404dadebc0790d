// Schema: a compiled OpenAPI v3 schema, as CustomResourceDefinitions carry
// in spec.versions[].schema.openAPIV3Schema, and validation against it.
//
// Supported: type (object, array, string, integer, number, boolean),
// properties, required, additionalProperties (schema or bool), items, enum,
// pattern (ECMAScript regex, searched like Go's MatchString; anchor with ^$),
// minimum/maximum (+exclusive), multipleOf, minLength/maxLength (characters),
// minItems/maxItems, uniqueItems, minProperties/maxProperties, format
// (int-or-string, duration, date-time, byte; others are ignored), default,
// nullable, description, anyOf/oneOf/allOf/not, x-kubernetes-preserve-
// unknown-fields, x-kubernetes-int-or-string, x-kubernetes-embedded-resource,
// x-kubernetes-list-type (set, map with x-kubernetes-list-map-keys: duplicates
// are FieldValueDuplicate); x-kubernetes-validations and -map-type are ignored.
// Any other keyword is a compile error, so a typo in a CRD cannot silently
// disable a check. Defaults must validate against their own schema.
//
// berth's vendor extensions:
//   x-berth-coerce-string: true   on a `type: string` schema: a number or
//       boolean value is accepted and replaced by its text (3001 -> "3001",
//       true -> "true"), as compose does for `environment: {PORT: 3001}`.
//       Used only where compose users write bare scalars: env values, labels,
//       ports, sizes, Secret stringData.
//   x-berth-property-names: {schema}   every key of an object (map) must
//       validate against this string schema; errors name the key's path.
//   x-berth-pattern-hint: "must be ..."   the text shown instead of
//       "must match <regex>" when `pattern` fails.
//
// Validation semantics (Kubernetes-like): an object property that is null and
// not nullable is treated as absent; absent properties with a default get it
// (defaults apply recursively inside objects that exist or were defaulted);
// anyOf takes the first branch that validates, oneOf requires exactly one,
// and the chosen branch's defaults apply. When no branch validates and
// exactly one branch accepts the value's JSON type, that branch's own causes
// are reported (so `{secretRef: {name: x}}` says secretRef.key is required);
// otherwise one cause lists the alternatives. Messages follow Kubernetes
// field errors: "Required value", "Unsupported value: \"x\": supported
// values: ...", "Invalid value: 0: must be greater than or equal to 1",
// "Invalid value: \"string\": <path> in body must be of type integer",
// "field not declared in schema" (reason FieldValueForbidden).
// Immutable after Compile; thread-safe to use concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::api {

class Schema {
 public:
  // Compiles a schema; errors name the schema path ("properties.spec.type").
  static Result<std::unique_ptr<Schema>> Compile(const Json& openapi);

  virtual ~Schema() = default;

  // Validates `value` (located at `path`, e.g. "spec"; "" for a whole object)
  // and applies defaults in place. Appends one FieldCause per problem, its
  // field a dotted path with map keys as segments and array indices as [i]
  // ("spec.services.web.ports[0]"); unknown properties of an object without
  // additionalProperties or preserve-unknown-fields are reported as "field
  // not declared in schema".
  virtual void Validate(Json& value, const std::string& path,
                        std::vector<FieldCause>* causes) const = 0;

  // The sub-schema at a dotted path of property names ("spec.services"),
  // descending through map values, array items and anyOf/oneOf branches
  // implicitly ("spec.services.image"); a map key may also be given as a
  // segment ("spec.services.web.image") and "[i]" suffixes are ignored.
  // nullptr when absent; "" is this schema. For `berth explain`.
  virtual const Schema* At(const std::string& dotted_path) const = 0;

  // The original OpenAPI JSON of this (sub-)schema.
  virtual const Json& source() const = 0;
};

}  // namespace berth::api
