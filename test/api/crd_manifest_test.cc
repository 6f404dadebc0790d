// The CRD files themselves: what `berth explain`, the generated docs and
// `berth get` read from them must be complete.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/codec.h"

namespace berth::crds {
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedCrds();
}  // namespace berth::crds

namespace berth::api {
namespace {

const Json& RootSchema(const Json& crd) {
  return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}

// Calls `fn(path, schema)` for every schema under `s`, including map values,
// array items and anyOf/oneOf/allOf branches.
template <typename Fn>
void Walk(const Json& s, const std::string& path, Fn&& fn) {
  fn(path, s);
  if (s.contains("properties")) {
    for (const auto& [name, sub] : s["properties"].items()) {
      Walk(sub, path.empty() ? name : path + "." + name, fn);
    }
  }
  if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
    Walk(s["additionalProperties"], path + ".<key>", fn);
  }
  if (s.contains("items")) Walk(s["items"], path + "[]", fn);
  if (s.contains("x-berth-property-names")) Walk(s["x-berth-property-names"], path + ".<name>", fn);
  for (const char* k : {"anyOf", "oneOf", "allOf"}) {
    if (!s.contains(k)) continue;
    for (size_t i = 0; i < s[k].size(); ++i) {
      Walk(s[k][i], path + "(" + k + std::to_string(i) + ")", fn);
    }
  }
}

TEST(CrdManifestTest, EveryPropertyHasADescription) {
  const Catalog& c = Catalog::Builtin();
  int properties = 0;
  for (const KindInfo& k : c.kinds()) {
    const Json& root = RootSchema(*c.Crd(k.kind));
    EXPECT_FALSE(root.value("description", "").empty()) << k.kind;
    Walk(root, "", [&](const std::string& path, const Json& s) {
      if (!s.contains("properties")) return;
      for (const auto& [name, sub] : s["properties"].items()) {
        ++properties;
        std::string d = sub.value("description", "");
        EXPECT_GE(d.size(), 8u) << k.kind << " " << path << "." << name << " needs a description";
        EXPECT_EQ(d.find("  "), std::string::npos) << k.kind << " " << path << "." << name;
      }
    });
  }
  EXPECT_GT(properties, 200);  // the Stack alone has well over a hundred
}

// `berth explain stack.spec.services.ports` and the generated docs describe
// an array's items and a map's values too: each has a description of its own.
TEST(CrdManifestTest, EveryArrayItemAndMapValueHasADescription) {
  const Catalog& c = Catalog::Builtin();
  int nodes = 0;
  for (const KindInfo& k : c.kinds()) {
    Walk(RootSchema(*c.Crd(k.kind)), "", [&](const std::string& path, const Json& s) {
      auto check = [&](const Json& sub, const std::string& where) {
        if (!sub.is_object() || !(sub.contains("type") || sub.contains("properties"))) return;
        ++nodes;
        EXPECT_GE(sub.value("description", "").size(), 8u)
            << k.kind << " " << where << " needs a description";
      };
      if (s.contains("items")) check(s["items"], path + "[]");
      if (s.contains("additionalProperties")) check(s["additionalProperties"], path + ".<key>");
    });
  }
  EXPECT_GT(nodes, 20);
}

TEST(CrdManifestTest, EveryPatternHasAHumanHint) {
  const Catalog& c = Catalog::Builtin();
  for (const KindInfo& k : c.kinds()) {
    Walk(RootSchema(*c.Crd(k.kind)), "", [&](const std::string& path, const Json& s) {
      if (s.contains("pattern")) {
        EXPECT_TRUE(s.contains("x-berth-pattern-hint")) << k.kind << " " << path;
        std::string hint = s.value("x-berth-pattern-hint", "");
        EXPECT_EQ(hint.rfind("must ", 0), 0u) << k.kind << " " << path << ": " << hint;
      }
    });
  }
}

TEST(CrdManifestTest, PrinterColumnsResolveInTheSchema) {
  const Catalog& c = Catalog::Builtin();
  const std::set<std::string> types = {"string", "integer", "number", "boolean", "date"};
  for (const KindInfo& k : c.kinds()) {
    const Json& version = (*c.Crd(k.kind))["spec"]["versions"][0];
    ASSERT_TRUE(version.contains("additionalPrinterColumns")) << k.kind;
    const Json& columns = version["additionalPrinterColumns"];
    ASSERT_FALSE(columns.empty());
    EXPECT_EQ(columns.back()["name"], "Age") << k.kind;
    EXPECT_EQ(columns.back()["type"], "date") << k.kind;
    for (const Json& col : columns) {
      std::string name = col.value("name", "");
      std::string path = col.value("jsonPath", "");
      EXPECT_FALSE(name.empty()) << k.kind;
      EXPECT_TRUE(types.contains(col.value("type", ""))) << k.kind << " " << name;
      ASSERT_TRUE(path.size() > 1 && path[0] == '.') << k.kind << " " << name;
      EXPECT_EQ(path.find_first_of("[]?@*"), std::string::npos)
          << k.kind << " " << name << ": keep JSONPaths simple";
      if (path == ".metadata.creationTimestamp") continue;  // metadata is berth's own
      const Schema* s = c.SchemaFor(k.kind)->At(path.substr(1));
      ASSERT_NE(s, nullptr) << k.kind << " column " << name << ": " << path;
      if (col["type"] == "date") {
        EXPECT_EQ(s->source().value("format", ""), "date-time") << k.kind << " " << name;
      } else {
        EXPECT_EQ(s->source().value("type", ""), col["type"]) << k.kind << " " << name;
      }
    }
  }
}

TEST(CrdManifestTest, KindsWithStatusHaveTheSubresource) {
  const Catalog& c = Catalog::Builtin();
  for (const KindInfo& k : c.kinds()) {
    const Json& props = RootSchema(*c.Crd(k.kind))["properties"];
    EXPECT_EQ(props.contains("status"), k.status_subresource) << k.kind;
    for (const char* top : {"apiVersion", "kind", "metadata"}) {
      EXPECT_TRUE(props.contains(top)) << k.kind << " declares " << top;
    }
    EXPECT_EQ(props["metadata"],
              Json({{"type", "object"}, {"description", props["metadata"]["description"]}}))
        << k.kind << ": metadata is a bare object, as in real CRDs";
  }
}

TEST(CrdManifestTest, ExplainPathsReachTheServiceFields) {
  const Schema* stack = Catalog::Builtin().SchemaFor("stack");
  ASSERT_NE(stack, nullptr);
  for (const char* path :
       {"spec.services", "spec.services.image", "spec.services.pg_init.dependsOn",
        "spec.services.env.secretRef.as", "spec.services.env.providerRef.field",
        "spec.services.healthcheck.interval", "spec.services.resources.gpus.utilization",
        "spec.services.configFiles.render.format", "spec.networks.external",
        "spec.router.baseDomain", "spec.instanceTemplates.port", "status.services.phase",
        "status.conditions.reason"}) {
    const Schema* s = stack->At(path);
    ASSERT_NE(s, nullptr) << path;
    EXPECT_FALSE(s->source().value("description", "").empty()) << path;
  }
}

TEST(CrdManifestTest, EmbeddedCrdsAreTheFilesInTheTree) {
  std::filesystem::path dir = std::filesystem::path(BERTH_SOURCE_DIR) / "crds";
  std::set<std::string> on_disk;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") on_disk.insert(e.path().filename().string());
  }
  std::set<std::string> embedded;
  for (const auto& [name, text] : crds::EmbeddedCrds()) {
    embedded.insert(std::string(name));
    std::ifstream in(dir / std::string(name));
    std::stringstream buf;
    buf << in.rdbuf();
    EXPECT_EQ(buf.str(), text) << name << " changed since the build embedded it; rebuild";
  }
  EXPECT_EQ(embedded, on_disk);
  EXPECT_EQ(on_disk, (std::set<std::string>{"event.yaml", "gpunode.yaml", "instance.yaml",
                                            "provider.yaml", "secret.yaml", "stack.yaml"}));
}

TEST(CrdManifestTest, EachFileIsOneCrdNamedAfterItsKind) {
  for (const auto& [name, text] : crds::EmbeddedCrds()) {
    auto docs = ParseYamlDocuments(text);
    ASSERT_TRUE(docs.ok()) << name << ": " << docs.status().ToString();
    ASSERT_EQ(docs->size(), 1u) << name;
    const Json& crd = (*docs)[0].value;
    std::string singular = crd["spec"]["names"]["singular"];
    EXPECT_EQ(std::string(name), singular + ".yaml");
    EXPECT_EQ(crd["spec"]["versions"].size(), 1u) << name;
  }
}

}  // namespace
}  // namespace berth::api
