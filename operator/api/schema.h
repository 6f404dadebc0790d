// Schema: a compiled OpenAPI v3 schema, as CustomResourceDefinitions carry
// in spec.versions[].schema.openAPIV3Schema, and validation against it.
//
// Supported: type (object, array, string, integer, number, boolean),
// properties, required, additionalProperties (schema or bool), items, enum,
// pattern (ECMAScript regex), minimum/maximum (+exclusive), minLength/
// maxLength, minItems/maxItems, uniqueItems, minProperties/maxProperties,
// format (int-or-string, duration, date-time, byte), default, nullable,
// description, anyOf/oneOf (the first branch that validates wins, its
// defaults apply), x-kubernetes-preserve-unknown-fields,
// x-kubernetes-int-or-string, x-kubernetes-embedded-resource and
// x-kubernetes-validations is ignored.
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

  // Validates `value` (located at `path`, e.g. "spec") and applies defaults
  // in place. Appends one FieldCause per problem; unknown properties of an
  // object without additionalProperties or preserve-unknown-fields are
  // reported as "field not declared in schema".
  virtual void Validate(Json& value, const std::string& path,
                        std::vector<FieldCause>* causes) const = 0;

  // The sub-schema at a dotted path of property names ("spec.services"),
  // descending through map values and array items; nullptr when absent.
  // For `berth explain`.
  virtual const Schema* At(const std::string& dotted_path) const = 0;

  // The original OpenAPI JSON of this (sub-)schema.
  virtual const Json& source() const = 0;
};

}  // namespace berth::api
