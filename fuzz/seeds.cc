// fuzz_seeds OUT_DIR FILE...: writes the generated seed corpora of the fuzz
// targets from manifests and CRDs (YAML files given on the command line, so
// scripts/fuzz can glob manifests/ and crds/ at run time):
//   OUT_DIR/manifest/  each file whole, and each of its documents alone
//   OUT_DIR/schema/    each document as JSON
//   OUT_DIR/patch/     for each pair of documents of one kind: "A---B---A"
//                      and "A---json::diff(A, B)", capped in number
//   OUT_DIR/schema.dict  a libFuzzer dictionary of the CRDs' property names
//                        and enum values (from the built-in catalog)
// Exits non-zero if a file cannot be read or does not parse.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/codec.h"
#include "operator/common/strings.h"

namespace {

namespace fs = std::filesystem;
using berth::api::Json;

constexpr size_t kMaxPairsPerKind = 40;
// JSON seeds larger than this are left out: scripts/fuzz caps the input size
// of the JSON targets (-max_len) and a truncated JSON seed is useless.
constexpr size_t kMaxJsonSeed = 8000;

bool Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

std::string Slug(const fs::path& file) {
  std::string s = file.parent_path().filename().string() + "_" + file.stem().string();
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  }
  return s;
}

// A dictionary entry in libFuzzer's syntax: the JSON string of `word`.
std::string DictEntry(const std::string& word) {
  std::string quoted = Json(word).dump();
  std::string escaped;
  for (char c : quoted) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "\"" + escaped + "\"";
}

void CollectWords(const Json& schema, std::set<std::string>* words) {
  if (schema.is_object()) {
    for (const auto& [k, v] : schema.items()) {
      if (k == "properties" && v.is_object()) {
        for (const auto& [name, sub] : v.items()) words->insert(name);
      }
      if (k == "enum" && v.is_array()) {
        for (const Json& e : v) {
          if (e.is_string()) words->insert(e.get<std::string>());
        }
      }
      CollectWords(v, words);
    }
  } else if (schema.is_array()) {
    for (const Json& v : schema) CollectWords(v, words);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR FILE...\n");
    return 2;
  }
  fs::path out = argv[1];
  for (const char* sub : {"manifest", "schema", "patch"}) fs::create_directories(out / sub);

  std::map<std::string, std::vector<Json>> by_kind;
  int failures = 0;
  for (int i = 2; i < argc; ++i) {
    fs::path file = argv[i];
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "fuzz_seeds: cannot read %s\n", argv[i]);
      ++failures;
      continue;
    }
    std::string slug = Slug(file);
    Write(out / "manifest" / (slug + ".yaml"), text.str());
    auto docs = berth::api::ParseYamlDocuments(text.str());
    if (!docs.ok()) {
      std::fprintf(stderr, "fuzz_seeds: %s: %s\n", argv[i], docs.status().ToString().c_str());
      ++failures;
      continue;
    }
    for (const auto& doc : *docs) {
      std::string name = slug + "-" + std::to_string(doc.index);
      Write(out / "manifest" / (name + ".yaml"), berth::api::ToYaml(doc.value));
      std::string json = doc.value.dump(1);
      if (json.size() > kMaxJsonSeed) continue;
      Write(out / "schema" / (name + ".json"), json);
      std::string kind = doc.value.is_object() ? doc.value.value("kind", "") : "";
      by_kind[kind].push_back(doc.value);
    }
  }

  for (const auto& [kind, docs] : by_kind) {
    size_t pairs = 0;
    for (size_t a = 0; a < docs.size() && pairs < kMaxPairsPerKind; ++a) {
      for (size_t b = 0; b < docs.size() && pairs < kMaxPairsPerKind; ++b) {
        if (a == b) continue;
        const Json& x = docs[a];
        const Json& y = docs[b];
        if (x.dump().size() + y.dump().size() > kMaxJsonSeed) continue;
        std::string name = (kind.empty() ? "other" : kind) + "-" + std::to_string(pairs++);
        Write(out / "patch" / (name + "-3way"),
              x.dump() + "\n---\n" + y.dump() + "\n---\n" + x.dump());
        Write(out / "patch" / (name + "-jsonpatch"),
              x.dump() + "\n---\n" + Json::diff(x, y).dump());
      }
    }
  }

  std::set<std::string> words;
  for (const auto& kind : berth::api::Catalog::Builtin().kinds()) {
    words.insert(kind.kind);
    if (const auto* crd = berth::api::Catalog::Builtin().Crd(kind.kind)) CollectWords(*crd, &words);
  }
  std::string dict;
  for (const std::string& w : words) dict += DictEntry(w) + "\n";
  Write(out / "schema.dict", dict);
  return failures == 0 ? 0 : 1;
}
