// fuzz_seeds OUT_DIR FILE...: writes the generated seed corpora of the fuzz
// targets from manifests and CRDs (YAML files given on the command line, so
// scripts/fuzz can glob manifests/ and crds/ at run time):
//   OUT_DIR/manifest/  each file whole, and each of its documents alone
//   OUT_DIR/schema/    each document as JSON
//   OUT_DIR/patch/     for each pair of documents of one kind: "A---B---A"
//                      and "A---json::diff(A, B)", capped in number
//   OUT_DIR/selector/  label selectors over the labels the documents carry
//                      (metadata.labels, a service's or network's labels,
//                      matchLabels): each key and value in every operator
//                      form (=, ==, !=, in, notin, exists, !exists), and
//                      each document's labels joined in one selector; field
//                      selectors on each document's name and namespace
//   OUT_DIR/schema.dict  a libFuzzer dictionary of the CRDs' property names
//                        and enum values (from the built-in catalog)
// Exits non-zero if a file cannot be read or does not parse, or a generated
// selector does not parse (the generator and the parser disagree).
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
#include "operator/api/selector.h"
#include "operator/common/strings.h"

namespace {

namespace fs = std::filesystem;
using berth::api::Json;

constexpr size_t kMaxPairsPerKind = 40;
// JSON seeds larger than this are left out: scripts/fuzz caps the input size
// of the JSON targets (-max_len) and a truncated JSON seed is useless.
constexpr size_t kMaxJsonSeed = 8000;
// scripts/fuzz caps selector inputs at 1024 bytes.
constexpr size_t kMaxSelectorSeed = 1000;
constexpr size_t kMaxSelectorSeeds = 600;

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

using Labels = std::map<std::string, std::string>;

// Every string-to-string map under a "labels" or "matchLabels" key of `doc`.
void CollectLabels(const Json& doc, std::vector<Labels>* out) {
  if (doc.is_array()) {
    for (const Json& v : doc) CollectLabels(v, out);
    return;
  }
  if (!doc.is_object()) return;
  for (const auto& [k, v] : doc.items()) {
    if ((k == "labels" || k == "matchLabels") && v.is_object() && !v.empty()) {
      Labels l;
      for (const auto& [lk, lv] : v.items()) {
        if (lv.is_string()) l[lk] = lv.get<std::string>();
      }
      if (l.size() == v.size()) {
        out->push_back(std::move(l));
        continue;
      }
    }
    CollectLabels(v, out);
  }
}

// Requirement `form` (0..6: =, ==, !=, in, notin, exists, !exists) on k, v.
std::string Requirement(int form, const std::string& k, const std::string& v) {
  switch (form % 7) {
    case 0: return k + "=" + v;
    case 1: return k + "==" + v;
    case 2: return k + "!=" + v;
    case 3: return k + " in (" + v + ", other-" + v + ")";
    case 4: return k + " notin (" + v + ")";
    case 5: return k;
    default: return "!" + k;
  }
}

struct SelectorSeed {
  std::string text;
  bool field = false;  // a field selector, else a label selector
};

// The selector seeds for the labels in `labels` and the documents' names.
std::vector<SelectorSeed> SelectorSeeds(
    const std::vector<Labels>& labels,
    const std::vector<std::pair<std::string, std::string>>& names) {
  std::set<std::string> seen;
  std::vector<SelectorSeed> out;
  auto add = [&](const std::string& s, bool field = false) {
    if (s.size() <= kMaxSelectorSeed && out.size() < kMaxSelectorSeeds && seen.insert(s).second) {
      out.push_back({s, field});
    }
  };
  for (const Labels& l : labels) {
    for (const auto& [k, v] : l) {
      for (int form = 0; form < 7; ++form) add(Requirement(form, k, v));
    }
  }
  // Each map, and all of them together, in one selector, once per starting
  // form, so that every key meets every operator next to the others.
  Labels all;
  std::map<std::string, std::set<std::string>> values;  // key -> every value it has
  for (const Labels& l : labels) {
    for (const auto& [k, v] : l) {
      all.emplace(k, v);
      values[k].insert(v);
    }
  }
  std::vector<Labels> maps = labels;
  maps.push_back(all);
  for (const Labels& l : maps) {
    for (int start = 0; start < 7; ++start) {
      std::string sel;
      int form = start;
      for (const auto& [k, v] : l) sel += (sel.empty() ? "" : ",") + Requirement(form++, k, v);
      add(sel);
    }
  }
  // Every value a key has, as one set.
  for (const auto& [k, vs] : values) {
    std::string set;
    for (const std::string& v : vs) set += (set.empty() ? "" : ",") + v;
    add(k + " in (" + set + ")");
    add(k + " notin (" + set + "),!" + k);
  }
  for (const auto& [ns, name] : names) {
    add("metadata.name=" + name, true);
    add("metadata.name!=" + name, true);
    if (!ns.empty()) add("metadata.namespace==" + ns + ",metadata.name=" + name, true);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR FILE...\n");
    return 2;
  }
  fs::path out = argv[1];
  for (const char* sub : {"manifest", "schema", "patch", "selector"})
    fs::create_directories(out / sub);

  std::map<std::string, std::vector<Json>> by_kind;
  std::vector<Labels> labels;
  std::vector<std::pair<std::string, std::string>> names;  // namespace, name
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
      if (kind != "CustomResourceDefinition") {  // a CRD's "labels" are schema, not labels
        CollectLabels(doc.value, &labels);
        Json meta = doc.value.is_object() ? doc.value.value("metadata", Json::object()) : Json();
        if (meta.is_object() && meta.value("name", Json()).is_string()) {
          Json ns = meta.value("namespace", Json(""));
          names.emplace_back(ns.is_string() ? ns.get<std::string>() : "",
                             meta["name"].get<std::string>());
        }
      }
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

  std::vector<SelectorSeed> selectors = SelectorSeeds(labels, names);
  for (size_t i = 0; i < selectors.size(); ++i) {
    const std::string& sel = selectors[i].text;
    berth::Status st = selectors[i].field ? berth::api::FieldSelector::Parse(sel).status()
                                          : berth::api::LabelSelector::Parse(sel).status();
    if (!st.ok()) {
      std::fprintf(stderr, "fuzz_seeds: generated selector \"%s\" does not parse: %s\n",
                   sel.c_str(), st.ToString().c_str());
      ++failures;
    }
    Write(out / "selector" / ("labels-" + std::to_string(i)), sel);
  }
  if (selectors.empty()) {
    std::fprintf(stderr, "fuzz_seeds: no labels found in the files: no selector seeds\n");
    ++failures;
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
