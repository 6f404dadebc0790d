// Printers: objects as kubectl shows them — tables whose columns come from
// the CRD's additionalPrinterColumns (NAME first, AGE as "5m"/"3h"/"2d"),
// or YAML, JSON, or "kind.group/name". Pure functions of their inputs.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::cli {

enum class OutputFormat { kTable, kWide, kYaml, kJson, kName };

// "" (table), "wide", "yaml", "json", "name"; BadRequest otherwise.
Result<OutputFormat> ParseOutputFormat(std::string_view text);

struct Column {
  std::string header;     // upper case, as printed: "READY"
  std::string json_path;  // ".status.ready"
  std::string type;       // string, integer, number, boolean, date
  int priority = 0;       // > 0: only with -o wide
};

// NAME, the kind's printer columns (all of them when `wide`), and AGE from
// metadata.creationTimestamp when the CRD declares no Age column.
std::vector<Column> ColumnsFor(const api::Catalog& catalog, const api::KindInfo& kind, bool wide);

// A JSONPath subset as printer columns use it: ".a.b", ".a[0].b",
// ".status.conditions[?(@.type=='Ready')].status". nullptr when absent.
const api::Json* EvalJsonPath(const api::Json& root, std::string_view path);

// The text of one cell: dates as ages relative to `now`, "<none>" when absent.
std::string CellText(const api::Json& object, const Column& column,
                     std::chrono::system_clock::time_point now);

struct TableOptions {
  bool wide = false;
  bool with_namespace = false;    // -A: NAMESPACE column first
  bool with_kind_prefix = false;  // several kinds: NAME as "stack.berth.dev/web"
  bool show_labels = false;       // LABELS column last
};

// Headers and rows of a kind's table.
class ObjectTable {
 public:
  ObjectTable(const api::Catalog& catalog, const api::KindInfo& kind, TableOptions options);
  std::vector<std::string> Headers() const;
  std::vector<std::string> Row(const api::Object& object,
                               std::chrono::system_clock::time_point now) const;

 private:
  const api::KindInfo& kind_;
  TableOptions options_;
  std::vector<Column> columns_;  // includes NAME at [0]
};

// One object, or a List of several (`as_list`), in YAML or JSON; for kName
// one "kind.group/name" line per object. Ends with a newline.
std::string FormatObjects(const std::vector<api::Object>& objects, OutputFormat format,
                          bool as_list);

// "key=value,key2=value2", or "<none>".
std::string FormatLabels(const api::Object& object);
// HumanAge of now - the RFC 3339 `timestamp`; "<unknown>" when unparsable.
std::string AgeOf(const std::string& timestamp, std::chrono::system_clock::time_point now);

}  // namespace berth::cli
