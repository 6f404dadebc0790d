// Table output (meta.k8s.io/v1 Table), what `kubectl get` asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`: a NAME column, then
// the CRD's additionalPrinterColumns, evaluated with a JSONPath subset.
// Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"
#include "operator/apiserver/http.h"
#include "operator/common/clock.h"
#include "operator/common/result.h"

namespace berth::apiserver {

// The JSONPath subset printer columns use: ".a.b", ".a[0].b", ".a[*].b",
// ".status.conditions[?(@.type==\"Ready\")].status" (== or !=, quoted value),
// optionally wrapped in "{...}". Returns the first match, or nullopt.
std::optional<api::Json> EvalJsonPath(const api::Json& obj, std::string_view path);

struct PrinterColumn {
  std::string name;
  std::string type;    // string, integer, number, boolean, date
  std::string format;  // e.g. "name"
  std::string description;
  std::string json_path;
  int priority = 0;
};

// NAME, then the additionalPrinterColumns of the CRD's served version (an Age
// column when the CRD declares none). `crd` may be null.
std::vector<PrinterColumn> PrinterColumns(const api::Json* crd);

enum class IncludeObject { kNone, kMetadata, kObject };
// "", "Metadata" (the default), "Object" or "None"; BadRequest otherwise.
Result<IncludeObject> ParseIncludeObject(std::string_view value);

// True when the Accept header asks for a meta.k8s.io Table.
bool WantsTable(const Request& req);

api::Json ColumnDefinitions(const std::vector<PrinterColumn>& columns);
// One row: cells for `obj` (already redacted for the caller), plus the
// object or its metadata as asked.
api::Json TableRow(const std::vector<PrinterColumn>& columns, const api::Json& obj,
                   IncludeObject include, Clock::WallTime now);
// A whole Table; `resource_version` and `continue_token` go to its metadata.
api::Json BuildTable(const std::vector<PrinterColumn>& columns,
                     const std::vector<api::Json>& objects, IncludeObject include,
                     Clock::WallTime now, const std::string& resource_version,
                     const std::string& continue_token);

}  // namespace berth::apiserver
