// docs/resources.md stays true: its examples validate against the CRDs and
// the error messages it quotes are the ones berth prints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/codec.h"

namespace berth::api {
namespace {

std::string ReadDoc() {
  std::ifstream in(std::filesystem::path(BERTH_SOURCE_DIR) / "docs" / "resources.md");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The bodies of the ```<lang> fenced blocks of `md`.
std::vector<std::string> Blocks(const std::string& md, const std::string& lang) {
  std::vector<std::string> out;
  const std::string open = "```" + lang + "\n";
  for (size_t at = md.find(open); at != std::string::npos; at = md.find(open, at)) {
    size_t start = at + open.size();
    size_t end = md.find("```", start);
    if (end == std::string::npos) break;
    out.push_back(md.substr(start, end - start));
    at = end + 3;
  }
  return out;
}

TEST(CrdDocsTest, ExamplesValidate) {
  std::string md = ReadDoc();
  ASSERT_FALSE(md.empty()) << "docs/resources.md not found";
  int checked = 0;
  for (const std::string& block : Blocks(md, "yaml")) {
    if (block.find("apiVersion: berth.dev/v1alpha1") == std::string::npos) continue;
    auto obj = ParseYaml(block);
    ASSERT_TRUE(obj.ok()) << obj.status().ToString() << "\n" << block;
    Json copy = *obj;
    Status s = Catalog::Builtin().Validate(copy);
    EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << block;
    ++checked;
  }
  EXPECT_GE(checked, 7);  // one per kind, plus the router and GPU Stacks
}

TEST(CrdDocsTest, QuotedErrorsAreTheRealOnes) {
  std::string md = ReadDoc();
  std::vector<std::string> text = Blocks(md, "text");
  ASSERT_FALSE(text.empty());
  const std::string& quoted = text.back();
  const char* patches[] = {
      "{spec: {services: {pg_init: {dependsOn: {postgres: ready}}}}}",
      "{spec: {services: {web: {image: null}}}}",
      "{spec: {services: {web: {ports: [abc]}}}}",
      "{spec: {services: {web: {resources: {gpus: {count: 0}}}}}}",
      "{spec: {services: {web: {healthcheck: {retries: three}}}}}",
      "{spec: {foo: 1}}",
  };
  for (const char* patch : patches) {
    Json obj = *ParseYaml(R"(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: web}
spec:
  services:
    web: {image: nginx}
    postgres: {image: postgres}
    pg_init: {kind: job, image: postgres}
)");
    obj.merge_patch(*ParseYaml(patch));
    Status s = Catalog::Builtin().Validate(obj);
    ASSERT_EQ(s.causes().size(), 1u) << s.ToString();
    std::string line = s.causes()[0].field + ": " + s.causes()[0].message + "\n";
    EXPECT_NE(quoted.find(line), std::string::npos) << "docs/resources.md should quote:\n" << line;
  }
}

}  // namespace
}  // namespace berth::api
