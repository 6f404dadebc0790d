// describe: a readable summary of one object. DescribeWriter lays out
// "Label:  value" lines (values aligned per indentation level), sections and
// tables; a Describer adds what is specific to a kind. Pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/cli/table.h"

namespace berth::cli {

class DescribeWriter {
 public:
  // "Label:  value"; a multi-line value continues under the value column;
  // an empty value prints "<none>".
  void Field(int level, const std::string& label, const std::string& value);
  // "Label:" on its own line, for a nested block.
  void Section(int level, const std::string& label);
  // Text lines indented by `level` (two spaces a level).
  void Text(int level, const std::string& text);
  // A rendered table, indented.
  void Table(int level, TableWriter& table);

  std::string Render() const;

 private:
  struct Line {
    int level;
    std::string label;  // empty for text lines
    std::string value;
    bool field;
  };
  std::vector<Line> lines_;
};

using WallTime = std::chrono::system_clock::time_point;

// Adds the kind-specific part of `object` (after the common metadata).
using Describer = void (*)(const api::Object& object, DescribeWriter& w, WallTime now);

// The Describer for `kind`; a generic one (spec and status as YAML) when
// the kind has none. Secrets always get the one that hides values.
Describer DescriberFor(const std::string& kind);

// The kind-specific describers (describe_<kind>.cc).
void DescribeStack(const api::Object& object, DescribeWriter& w, WallTime now);
void DescribeSecret(const api::Object& object, DescribeWriter& w, WallTime now);
void DescribeGeneric(const api::Object& object, DescribeWriter& w, WallTime now);

// Common parts used by the command: metadata first, conditions last.
void DescribeMetadata(const api::Object& object, DescribeWriter& w, WallTime now);
void DescribeConditions(const api::Object& object, DescribeWriter& w, WallTime now);
// Events about the object (newest last), or "<none>".
void DescribeEvents(const std::vector<api::Object>& events, DescribeWriter& w, WallTime now);

// "2026-11-22T10:04:05Z (5m ago)", or "<none>".
std::string TimeWithAge(const std::string& timestamp, WallTime now);

}  // namespace berth::cli
