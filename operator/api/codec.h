// Codecs: YAML and JSON text <-> Json values, for manifests and API bodies.
//
// YAML follows the 1.2 core schema: plain scalars become null, bool, int or
// float when they look like one ("yes"/"on" stay strings), quoted scalars are
// always strings. Duplicate mapping keys, non-string keys, strings that are
// not valid UTF-8, aliases that expand past kMaxNodes and nesting deeper than
// kMaxDepth are errors. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::api {

inline constexpr size_t kMaxNodes = 1'000'000;
inline constexpr int kMaxDepth = 64;

// One document of a multi-document manifest.
struct Document {
  int index = 0;  // 1-based position in its source, counting empty documents
  int line = 0;   // 1-based line where the document starts
  Json value;
};

// Parses every document of a YAML stream (JSON is YAML, so JSON input works).
// Empty documents are skipped. Errors read "document N: line L, column C: ...".
Result<std::vector<Document>> ParseYamlDocuments(std::string_view text);
// Parses exactly one YAML or JSON document.
Result<Json> ParseYaml(std::string_view text);
// Parses strict JSON (BadRequest on a syntax error, invalid UTF-8 or arrays
// and objects nested deeper than kMaxDepth).
Result<Json> ParseJson(std::string_view text);

// Block-style YAML; strings that would read back as another type are quoted,
// multi-line strings use literal blocks. Object keys keep the Json's order.
std::string ToYaml(const Json& value);

}  // namespace berth::api
