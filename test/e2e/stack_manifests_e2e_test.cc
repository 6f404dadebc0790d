// The manifests under manifests/ never rot: every file passes `berth apply
// --dry-run=server` against a real `berth serve` (schema, defaults and the
// Stack admission checks: dependency cycles, port clashes, gateway loops ...),
// and every test variant under manifests/test/ keeps the topology of the real
// manifest it stands in for (services, kinds, containerNames, ports, networks,
// volumes, dependsOn, env names, config file paths, restart policies,
// Secrets' keys and Providers), so what the e2e tests prove holds for the
// real one. And docs/stacks.md's field reference is the CRD's, generated.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "operator/api/codec.h"
#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> AllManifests() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(ManifestPath(""))) {
    if (e.is_regular_file() &&
        (e.path().extension() == ".yaml" || e.path().extension() == ".yml")) {
      out.push_back(fs::relative(e.path(), ManifestPath("")).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StackManifests, EveryManifestPassesServerDryRun) {
  BerthEnv env("sqlite");
  if (auto why = env.Start()) BERTH_E2E_SKIP(*why);
  std::vector<std::string> files = AllManifests();
  ASSERT_GE(files.size(), 10u);
  for (const std::string& rel : files) {
    RunResult r = env.Berth({"apply", "--dry-run=server", "-f", ManifestPath(rel)});
    EXPECT_EQ(r.code, 0) << rel << ":\n" << r.out << r.err;
    EXPECT_NE(r.out.find("(server dry run)"), std::string::npos) << rel << ":\n" << r.out;
  }
  // A dry run stores nothing.
  RunResult r = env.Berth({"get", "stacks", "-o", "name"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "") << r.out;
}

// What must match between a manifest and its test variant.
json Topology(const std::string& rel) {
  json t = json::object();
  EditManifest(ReadFile(ManifestPath(rel)), [&](json& d) {
    std::string kind = d.value("kind", "");
    std::string name = d["metadata"].value("name", "");
    if (kind == "Secret") {
      json keys = json::array();
      json data = d.value("stringData", json::object());  // a named copy: items() does not own it
      for (const auto& [k, v] : data.items()) keys.push_back(k);
      t["secrets"][name] = keys;
    } else if (kind == "Provider") {
      t["providers"][name] = {d["metadata"].value("labels", json::object()), d["spec"]};
    } else if (kind == "Stack") {
      json spec = d["spec"];
      t["stack"] = name;
      t["networks"] = spec.value("networks", json::object());
      t["volumes"] = spec.value("volumes", json::object());
      for (const auto& [svc_name, svc] : spec["services"].items()) {
        json s;
        for (const char* key : {"kind", "containerName", "ports", "networks", "volumes",
                                "dependsOn", "restart", "hostname", "stopSignal"}) {
          s[key] = svc.value(key, json());
        }
        json env = json::array();
        json svc_env = svc.value("env", json::object());  // items() does not own a temporary
        for (const auto& [k, v] : svc_env.items()) {
          if (k != "BERTH_ECHO_CONFIG") env.push_back({k, v});
        }
        s["env"] = env;
        json files = json::array();
        for (const json& f : svc.value("configFiles", json::array())) {
          files.push_back({f.value("path", ""), f.value("render", json())});
        }
        s["configFiles"] = files;
        s["healthcheck"] = svc.contains("healthcheck");
        t["services"][svc_name] = s;
      }
    }
  });
  return t;
}

TEST(StackManifests, TestVariantsKeepTheTopologyOfTheRealManifests) {
  for (const char* rel : {"share-stacks.yaml", "share-stacks-internal.yaml", "skills-registry.yaml",
                          "skills-registry-postgres.yaml", "uni-load.yaml"}) {
    json real = Topology(rel);
    json test = Topology(std::string("test/") + rel);
    ASSERT_TRUE(real.contains("stack")) << rel;
    for (const auto& [key, value] : real.items()) {
      if (key == "services") continue;
      EXPECT_EQ(value, test[key]) << rel << ": " << key;
    }
    ASSERT_EQ(real["services"].size(), test["services"].size()) << rel;
    for (const auto& [name, svc] : real["services"].items()) {
      ASSERT_TRUE(test["services"].contains(name)) << rel << ": no service " << name;
      for (const auto& [key, value] : svc.items()) {
        EXPECT_EQ(value, test["services"][name][key]) << rel << ": services." << name << "." << key;
      }
    }
  }
}

// Beaver's test variant runs other images and env (berth-echo instead of the
// seed's apps, no credentials), but its wiring is the real manifest's: names,
// ports, networks, volumes, order, the router and the instance template.
TEST(StackManifests, BeaverTestVariantKeepsTheTopologyOfTheRealManifest) {
  auto wiring = [](const std::string& rel) {
    json t;
    EditManifest(ReadFile(ManifestPath(rel)), [&](json& d) {
      if (d.value("kind", "") != "Stack") return;
      json spec = d["spec"];
      t["name"] = d["metadata"];
      t["networks"] = spec.value("networks", json::object());
      t["router"] = spec.value("router", json::object());
      for (const auto& [name, svc] : spec["services"].items()) {
        for (const char* key : {"kind", "containerName", "ports", "networks", "volumes",
                                "dependsOn", "restart", "hostname"}) {
          t["services"][name][key] = svc.value(key, json());
        }
      }
      for (const auto& [name, tmpl] : spec["instanceTemplates"].items()) {
        for (const char* key : {"port", "dataPath", "configPath"}) {
          t["templates"][name][key] = tmpl.value(key, json());
        }
      }
    });
    return t;
  };
  json real = wiring("beaver.yaml");
  json test = wiring("test/beaver.yaml");
  ASSERT_TRUE(real.contains("services"));
  for (const auto& [key, value] : real.items()) {
    if (key == "services") continue;
    EXPECT_EQ(value, test[key]) << key;
  }
  ASSERT_EQ(real["services"].size(), test["services"].size());
  for (const auto& [name, svc] : real["services"].items()) {
    for (const auto& [key, value] : svc.items()) {
      EXPECT_EQ(value, test["services"][name][key]) << "services." << name << "." << key;
    }
  }
}

// The pg_init script the e2e tests run is the real manifest's, word for word.
TEST(StackManifests, TestPgInitRunsTheRealScript) {
  auto script = [](const std::string& rel) {
    std::string out;
    EditManifest(ReadFile(ManifestPath(rel)), [&](json& d) {
      if (d.value("kind", "") != "Stack") return;
      out = d["spec"]["services"]["pg_init"]["configFiles"][0].value("content", "");
    });
    return out;
  };
  EXPECT_EQ(script("share-stacks.yaml"), script("test/share-stacks.yaml"));
  EXPECT_EQ(script("share-stacks-internal.yaml"), script("test/share-stacks-internal.yaml"));
  EXPECT_FALSE(script("share-stacks.yaml").empty());
}

// ---- docs/stacks.md field reference ------------------------------------------

std::string Oneline(std::string text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string TypeName(const json& s) {
  if (s.contains("anyOf")) {
    std::string out;
    for (const json& alt : s["anyOf"]) {
      std::string t = TypeName(alt);
      if (out.find(t) == std::string::npos) out += (out.empty() ? "" : " or ") + t;
    }
    return out;
  }
  std::string type = s.value("type", "");
  if (type == "array") return "list of " + TypeName(s.value("items", json::object()));
  if (type == "object" && s.contains("additionalProperties") && !s.contains("properties")) {
    return "map of " + TypeName(s["additionalProperties"]);
  }
  return type.empty() ? "any" : type;
}

std::string KeyPlaceholder(const std::string& field) {
  static const std::map<std::string, std::string> names = {{"services", "<service>"},
                                                           {"dependsOn", "<service>"},
                                                           {"env", "<VAR>"},
                                                           {"networks", "<network>"},
                                                           {"volumes", "<volume>"},
                                                           {"labels", "<key>"},
                                                           {"instanceTemplates", "<template>"},
                                                           {"providerSelector", "<label>"},
                                                           {"gpuNodeSelector", "<label>"}};
  auto it = names.find(field);
  return it == names.end() ? "<key>" : it->second;
}

void Walk(const json& s, const std::string& path, const std::string& field, bool required,
          std::string& out) {
  std::string line = "- `" + path + "` — " + TypeName(s);
  if (required) line += ", required";
  if (s.contains("default"))
    line += ", default `" +
            (s["default"].is_string() ? s["default"].get<std::string>() : s["default"].dump()) +
            "`";
  if (s.contains("enum")) {
    std::string values;
    for (const json& v : s["enum"])
      values += (values.empty() ? "" : ", ") + std::string("`") +
                (v.is_string() ? v.get<std::string>() : v.dump()) + "`";
    line += ", one of " + values;
  }
  if (s.contains("description")) line += ". " + Oneline(s["description"].get<std::string>());
  out += line + "\n";
  std::vector<json> shapes = {s};
  if (s.contains("anyOf")) {
    for (const json& alt : s["anyOf"]) shapes.push_back(alt);
  }
  for (const json& shape : shapes) {
    std::set<std::string> req;
    for (const json& r : shape.value("required", json::array())) req.insert(r.get<std::string>());
    json props = shape.value("properties", json::object());  // items() does not own a temporary
    for (const auto& [name, child] : props.items()) {
      Walk(child, path + "." + name, name, req.count(name) > 0, out);
    }
    if (shape.contains("additionalProperties") && shape["additionalProperties"].is_object()) {
      const json& ap = shape["additionalProperties"];
      bool nested = ap.contains("properties") || ap.contains("anyOf");
      if (nested) {
        std::string key = path + "." + KeyPlaceholder(field);
        if (ap.contains("properties")) {
          std::set<std::string> areq;
          for (const json& r : ap.value("required", json::array()))
            areq.insert(r.get<std::string>());
          for (const auto& [name, child] : ap["properties"].items()) {
            Walk(child, key + "." + name, name, areq.count(name) > 0, out);
          }
        } else {
          for (const json& alt : ap["anyOf"]) {
            json alt_props = alt.value("properties", json::object());
            for (const auto& [name, child] : alt_props.items()) {
              Walk(child, key + "." + name, name, false, out);
            }
          }
        }
      }
    }
    if (shape.value("type", "") == "array" && shape.contains("items") &&
        shape["items"].contains("properties")) {
      std::set<std::string> ireq;
      for (const json& r : shape["items"].value("required", json::array()))
        ireq.insert(r.get<std::string>());
      for (const auto& [name, child] : shape["items"]["properties"].items()) {
        Walk(child, path + "[]." + name, name, ireq.count(name) > 0, out);
      }
    }
  }
}

std::string FieldReference() {
  auto crd = api::ParseYaml(ReadFile(std::string(BERTH_SOURCE_DIR) + "/crds/stack.yaml"));
  if (!crd.ok()) return "crds/stack.yaml: " + crd.status().ToString();
  const json& root = (*crd)["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
  std::string out;
  for (const char* top : {"spec", "status"}) {
    out += std::string("\n#### `") + top + "`\n\n";
    const json& s = root["properties"][top];
    std::set<std::string> req;
    for (const json& r : s.value("required", json::array())) req.insert(r.get<std::string>());
    for (const auto& [name, child] : s["properties"].items()) {
      Walk(child, std::string(top) + "." + name, name, req.count(name) > 0, out);
    }
  }
  return out;
}

TEST(StackDocs, FieldReferenceIsTheCrds) {
  const std::string path = std::string(BERTH_SOURCE_DIR) + "/docs/stacks.md";
  const std::string begin = "<!-- fields:begin -->", end = "<!-- fields:end -->";
  std::string doc = ReadFile(path);
  size_t b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos) << path << " lacks " << begin;
  ASSERT_NE(e, std::string::npos) << path << " lacks " << end;
  std::string want = FieldReference() + "\n";
  std::string have = doc.substr(b + begin.size(), e - b - begin.size());
  const char* update = std::getenv("BERTH_UPDATE_DOCS");
  if (have != want && update != nullptr && std::string(update) == "1") {
    doc.replace(b + begin.size(), e - b - begin.size(), want);
    std::ofstream(path) << doc;
    return;
  }
  EXPECT_EQ(have, want) << "docs/stacks.md's field reference is out of date with crds/stack.yaml; "
                           "run this test with BERTH_UPDATE_DOCS=1 to regenerate it";
}

}  // namespace
}  // namespace berth::e2e
