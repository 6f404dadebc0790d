// explain: documentation of a kind or one of its fields, read from the CRD
// schemas compiled into the binary (no server needed), laid out like
// `kubectl explain`. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "operator/api/catalog.h"
#include "operator/common/result.h"

namespace berth::cli {

// `path` is "KIND[.field...]" ("stack.spec.services.image"); map values and
// list items are stepped through (services.image is the image of any
// service). With `recursive`, the whole field tree below is listed, without
// descriptions. NotFound names the missing field and the ones that exist.
Result<std::string> Explain(const api::Catalog& catalog, std::string_view path, bool recursive);

// The type as explain prints it: "string", "[]string", "map[string]Object",
// "string | []string".
std::string SchemaTypeName(const api::Json& schema);

// `text` wrapped at `width` columns, every line indented by `indent` spaces.
std::string Wrap(const std::string& text, size_t indent, size_t width = 80);

}  // namespace berth::cli
