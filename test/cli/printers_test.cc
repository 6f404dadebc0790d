#include "operator/cli/printers.h"

#include <gtest/gtest.h>

#include "operator/cli/kinds.h"
#include "operator/cli/table.h"
#include "operator/common/time_format.h"

namespace berth::cli {
namespace {

using api::Json;
using namespace std::chrono_literals;

const api::Catalog& Cat() {
  return api::Catalog::Builtin();
}
const api::KindInfo& Kind(const char* n) {
  return **ResolveKind(Cat(), n);
}

api::Object Stack(const std::string& name, const std::string& created, const Json& status) {
  Json j = {
      {"apiVersion", "berth.dev/v1alpha1"},
      {"kind", "Stack"},
      {"metadata", {{"name", name}, {"namespace", "default"}, {"creationTimestamp", created}}},
      {"spec", {{"services", {{"web", {{"image", "nginx"}}}}}}}};
  if (!status.is_null()) j["status"] = status;
  return api::Object(j);
}

TEST(TableWriterTest, AlignsLikeKubectl) {
  TableWriter t({"NAME", "READY", "STATUS", "AGE"});
  t.AddRow({"share-stacks", "7/9", "Progressing", "5m"});
  t.AddRow({"web", "1/1", "Ready", "2d"});
  EXPECT_EQ(t.Render(),
            "NAME           READY   STATUS        AGE\n"
            "share-stacks   7/9     Progressing   5m\n"
            "web            1/1     Ready         2d\n");
  // Watch rows keep the widths; a wider cell widens its column.
  EXPECT_EQ(t.RenderRow({"db", "0/1", "Pending", "1s"}),
            "db             0/1     Pending       1s\n");
  EXPECT_EQ(t.RenderRow({"x", "0/1", "VeryLongStatusValue", "1s"}),
            "x              0/1     VeryLongStatusValue   1s\n");
}

TEST(TableWriterTest, CountsCodePointsAndFlattensNewlines) {
  TableWriter t({"A", "B"});
  t.AddRow({"héllo", "x"});
  t.AddRow({"two\nlines", "y"});
  EXPECT_EQ(t.Render(),
            "A           B\n"
            "héllo       x\n"
            "two lines   y\n");
}

TEST(PrintersTest, StackColumnsComeFromTheCrd) {
  std::vector<std::string> headers;
  for (const auto& c : ColumnsFor(Cat(), Kind("stack"), false)) headers.push_back(c.header);
  EXPECT_EQ(headers, (std::vector<std::string>{"NAME", "READY", "STATUS", "AGE"}));
  std::vector<std::string> wide;
  for (const auto& c : ColumnsFor(Cat(), Kind("provider"), true)) wide.push_back(c.header);
  EXPECT_EQ(wide, (std::vector<std::string>{"NAME", "TYPE", "BASE-URL", "DEFAULT-MODEL", "AGE"}));
  std::vector<std::string> narrow;
  for (const auto& c : ColumnsFor(Cat(), Kind("provider"), false)) narrow.push_back(c.header);
  EXPECT_EQ(narrow, (std::vector<std::string>{"NAME", "TYPE", "BASE-URL", "AGE"}));
}

TEST(PrintersTest, RowsShowAgesAndNone) {
  auto now = *ParseRfc3339("2026-11-22T12:00:00Z");
  ObjectTable table(Cat(), Kind("stacks"), TableOptions{});
  TableWriter w(table.Headers());
  w.AddRow(
      table.Row(Stack("web", "2026-11-22T11:55:00Z", {{"ready", "1/1"}, {"phase", "Ready"}}), now));
  w.AddRow(table.Row(Stack("db", "2026-11-22T09:00:00Z", nullptr), now));
  w.AddRow(table.Row(Stack("old", "2026-11-19T12:00:00Z", nullptr), now));
  EXPECT_EQ(w.Render(),
            "NAME   READY    STATUS   AGE\n"
            "web    1/1      Ready    5m\n"
            "db     <none>   <none>   3h\n"
            "old    <none>   <none>   3d\n");
}

TEST(PrintersTest, AllNamespacesAddsNamespaceFirstAndKindPrefix) {
  auto now = *ParseRfc3339("2026-11-22T12:00:00Z");
  ObjectTable table(Cat(), Kind("st"), TableOptions{false, true, true, true});
  EXPECT_EQ(table.Headers(),
            (std::vector<std::string>{"NAMESPACE", "NAME", "READY", "STATUS", "AGE", "LABELS"}));
  auto row = table.Row(Stack("web", "2026-11-22T11:59:30Z", nullptr), now);
  EXPECT_EQ(row[0], "default");
  EXPECT_EQ(row[1], "stack.berth.dev/web");
  EXPECT_EQ(row[4], "30s");
  EXPECT_EQ(row[5], "<none>");
}

TEST(PrintersTest, JsonPathSubset) {
  Json j = Json::parse(R"({"status":{"conditions":[{"type":"Progressing","status":"False"},
                          {"type":"Ready","status":"True"}]},"a":[1,2,3]})");
  EXPECT_EQ(*EvalJsonPath(j, ".status.conditions[?(@.type=='Ready')].status"), "True");
  EXPECT_EQ(*EvalJsonPath(j, ".a[1]"), 2);
  EXPECT_EQ(*EvalJsonPath(j, ".a[-1]"), 3);
  EXPECT_EQ(*EvalJsonPath(j, "{.status.conditions[0].type}"), "Progressing");
  EXPECT_EQ(EvalJsonPath(j, ".status.missing"), nullptr);
  EXPECT_EQ(EvalJsonPath(j, ".a[9]"), nullptr);
}

TEST(PrintersTest, OutputFormats) {
  EXPECT_EQ(*ParseOutputFormat(""), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("yaml"), OutputFormat::kYaml);
  EXPECT_FALSE(ParseOutputFormat("xml").ok());
  auto s = Stack("web", "2026-11-22T11:55:00Z", nullptr);
  EXPECT_EQ(FormatObjects({s}, OutputFormat::kName, false), "stack.berth.dev/web\n");
  Json one = Json::parse(FormatObjects({s}, OutputFormat::kJson, false));
  EXPECT_EQ(one["metadata"]["name"], "web");
  Json list = Json::parse(FormatObjects({s, s}, OutputFormat::kJson, true));
  EXPECT_EQ(list["kind"], "List");
  EXPECT_EQ(list["items"].size(), 2u);
  std::string yaml = FormatObjects({s}, OutputFormat::kYaml, false);
  EXPECT_NE(yaml.find("kind: Stack\n"), std::string::npos);
}

}  // namespace
}  // namespace berth::cli
