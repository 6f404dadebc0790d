#include "operator/cli/manifests.h"

#include <gtest/gtest.h>

#include <sstream>

#include "test/cli/cli_test_support.h"

namespace berth::cli {
namespace {

using testing::TempDir;

constexpr const char* kStack = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata:
  name: %s
spec:
  services:
    web:
      image: nginx
)";

std::string StackYaml(const std::string& name) {
  std::string s = kStack;
  return s.replace(s.find("%s"), 2, name);
}

std::vector<std::string> Names(const Manifests& m) {
  std::vector<std::string> out;
  for (const auto& o : m.objects) out.push_back(o.object.name());
  return out;
}

TEST(ManifestsTest, FileWithSeveralDocumentsKeepsIndexAndLine) {
  TempDir dir;
  std::string f = dir.Write("app.yaml", StackYaml("a") + "---\n---\n" + StackYaml("b"));
  std::istringstream in;
  Manifests m = LoadManifests({f}, false, RealFileSystem(), in);
  ASSERT_TRUE(m.errors.empty()) << m.errors[0];
  ASSERT_EQ(m.objects.size(), 2u);
  EXPECT_EQ(m.objects[0].source, f);
  EXPECT_EQ(m.objects[0].document, 1);
  EXPECT_EQ(m.objects[1].document, 3);  // the empty document still counts
  EXPECT_EQ(m.objects[0].line, 1);
  EXPECT_GT(m.objects[1].line, 8);
  EXPECT_EQ(m.objects[1].Label(), f + ": document 3 (Stack/b)");
}

TEST(ManifestsTest, DirectoryReadsManifestFilesInOrderAndSubdirsOnlyWithRecursive) {
  TempDir dir;
  dir.Write("b.yaml", StackYaml("b"));
  dir.Write("a.yml", StackYaml("a"));
  dir.Write("c.json",
            R"({"apiVersion":"berth.dev/v1alpha1","kind":"Stack","metadata":{"name":"c"}})");
  dir.Write("notes.txt", "not a manifest");
  dir.Write("sub/d.yaml", StackYaml("d"));
  dir.Write(".hidden/e.yaml", StackYaml("e"));
  std::istringstream in;
  Manifests flat = LoadManifests({dir.path()}, false, RealFileSystem(), in);
  EXPECT_TRUE(flat.errors.empty());
  EXPECT_EQ(Names(flat), (std::vector<std::string>{"a", "b", "c"}));
  Manifests deep = LoadManifests({dir.path()}, true, RealFileSystem(), in);
  EXPECT_TRUE(deep.errors.empty());
  EXPECT_EQ(Names(deep), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(ManifestsTest, StdinIsNamedAndReadOnce) {
  std::istringstream in(StackYaml("x") + "---\n" + StackYaml("y"));
  Manifests m = LoadManifests({"-", "-"}, false, RealFileSystem(), in);
  ASSERT_TRUE(m.errors.empty());
  ASSERT_EQ(m.objects.size(), 2u);
  EXPECT_EQ(m.objects[1].source, kStdinName);
  EXPECT_EQ(m.objects[1].Label(), "<stdin>: document 2 (Stack/y)");
}

TEST(ManifestsTest, BadYamlNamesFileDocumentAndLine) {
  TempDir dir;
  std::string f = dir.Write("bad.yaml", StackYaml("ok") + "---\nkind: Stack\nmetadata: [oops\n");
  std::istringstream in;
  Manifests m = LoadManifests({f}, false, RealFileSystem(), in);
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_NE(m.errors[0].find(f + ": document 2: line "), std::string::npos) << m.errors[0];
}

TEST(ManifestsTest, MissingPathsAndNonObjectDocumentsAreErrorsButOthersLoad) {
  TempDir dir;
  std::string good = dir.Write("good.yaml", StackYaml("g"));
  std::string list = dir.Write("scalar.yaml", "- a\n- b\n");
  std::istringstream in;
  Manifests m = LoadManifests({dir.path() + "/nope.yaml", list, good}, false, RealFileSystem(), in);
  ASSERT_EQ(m.errors.size(), 2u);
  EXPECT_EQ(m.errors[0], dir.path() + "/nope.yaml: no such file or directory");
  EXPECT_EQ(
      m.errors[1],
      list + ": document 1: line 1: expected an object with apiVersion and kind, found a list");
  EXPECT_EQ(Names(m), (std::vector<std::string>{"g"}));
}

TEST(ManifestsTest, ListDocumentsContributeTheirItems) {
  std::istringstream in(R"(apiVersion: v1
kind: List
items:
- {apiVersion: berth.dev/v1alpha1, kind: Stack, metadata: {name: one}}
- {apiVersion: berth.dev/v1alpha1, kind: Stack, metadata: {name: two}}
)");
  Manifests m = LoadManifests({"-"}, false, RealFileSystem(), in);
  ASSERT_TRUE(m.errors.empty());
  EXPECT_EQ(Names(m), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(m.objects[1].document, 1);
}

TEST(ManifestsTest, EmptyDirectoryIsAnError) {
  TempDir dir;
  dir.Write("sub/a.yaml", StackYaml("a"));
  std::istringstream in;
  Manifests m = LoadManifests({dir.path()}, false, RealFileSystem(), in);
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_NE(m.errors[0].find("use -R"), std::string::npos);
}

TEST(ManifestsTest, ErrorLinesOnePerCause) {
  ManifestObject m{"stack.yaml", 2, 9,
                   api::Object(api::Json::parse(R"({"kind":"Stack","metadata":{"name":"web"}})"))};
  Status st = Status::Invalid("Stack \"web\" is invalid",
                              {{"spec.services.web.image", "Required value"},
                               {"spec.services.db.ports[0]", "must be a port mapping"}});
  EXPECT_EQ(ErrorLines(m, st),
            (std::vector<std::string>{
                "stack.yaml: document 2 (Stack/web): spec.services.web.image: Required value",
                "stack.yaml: document 2 (Stack/web): spec.services.db.ports[0]: must be a port "
                "mapping"}));
  EXPECT_EQ(ErrorLines(m, Status::Forbidden("viewer may not write")),
            (std::vector<std::string>{"stack.yaml: document 2 (Stack/web): viewer may not write"}));
  ManifestObject anon{"x.yaml", 1, 1, api::Object()};
  EXPECT_EQ(anon.Label(), "x.yaml: document 1");
}

}  // namespace
}  // namespace berth::cli
