#include "operator/cli/manifests.h"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "operator/api/codec.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

namespace fsys = std::filesystem;

bool IsManifestName(const std::string& name) {
  return EndsWith(name, ".yaml") || EndsWith(name, ".yml") || EndsWith(name, ".json");
}

// The manifest files under `dir`, in a stable order.
void CollectDir(const std::string& dir, bool recursive, std::vector<std::string>* files,
                std::vector<std::string>* errors) {
  std::error_code ec;
  std::vector<fsys::directory_entry> entries;
  for (fsys::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) {
    errors->push_back(dir + ": " + ec.message());
    return;
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& e : entries) {
    std::string name = e.path().filename().string();
    std::error_code dec;
    if (e.is_directory(dec)) {
      if (recursive && !StartsWith(name, ".")) CollectDir(e.path().string(), true, files, errors);
    } else if (IsManifestName(name)) {
      files->push_back(e.path().string());
    }
  }
}

std::string TypeName(const api::Json& j) {
  if (j.is_array()) return "a list";
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  return "null";
}

// The 1-based document that holds 1-based `line` of `text`, counted as the
// codec counts them: every "---" after the start of the stream opens one.
int DocumentAtLine(const std::string& text, long long line) {
  int doc = 1;
  bool started = false;
  long long n = 1;
  for (const std::string& l : Split(text, '\n')) {
    if (n >= line) break;
    if (StartsWith(l, "---")) {
      if (started) ++doc;
      started = true;
    } else if (!Trim(l).empty() && !StartsWith(Trim(l), "#")) {
      started = true;
    }
    ++n;
  }
  return doc;
}

// A parse error naming its document: the codec names it when it can; an
// error of the whole stream ("line 12, column 1: ...") is mapped to one.
std::string ParseError(const std::string& source, const std::string& text,
                       const std::string& message) {
  long long line = 0;
  if (StartsWith(message, "line ")) {
    size_t end = message.find_first_not_of("0123456789", 5);
    if (ParseInt64(std::string_view(message).substr(5, end - 5), &line) && line > 0) {
      return source + ": document " + std::to_string(DocumentAtLine(text, line)) + ": " + message;
    }
  }
  return source + ": " + message;
}

void AddDocuments(const std::string& source, const std::string& text, Manifests* out) {
  auto docs = api::ParseYamlDocuments(text);
  if (!docs.ok()) {
    out->errors.push_back(ParseError(source, text, docs.status().message()));
    return;
  }
  for (auto& d : *docs) {
    std::string where = source + ": document " + std::to_string(d.index);
    if (!d.value.is_object()) {
      out->errors.push_back(where + ": line " + std::to_string(d.line) +
                            ": expected an object with apiVersion and kind, found " +
                            TypeName(d.value));
      continue;
    }
    api::Object obj(std::move(d.value));
    auto items = obj.json().find("items");
    bool is_list = EndsWith(obj.kind(), "List") && items != obj.json().end();
    if (!is_list) {
      out->objects.push_back({source, d.index, d.line, std::move(obj)});
      continue;
    }
    if (!items->is_array()) {
      out->errors.push_back(where + " (" + obj.kind() + "): items: must be a list");
      continue;
    }
    for (size_t i = 0; i < items->size(); ++i) {
      api::Json& item = (*items)[i];
      if (!item.is_object()) {
        out->errors.push_back(where + " (" + obj.kind() + "): items[" + std::to_string(i) +
                              "]: expected an object, found " + TypeName(item));
        continue;
      }
      out->objects.push_back({source, d.index, d.line, api::Object(std::move(item))});
    }
  }
}

}  // namespace

std::string ManifestObject::Label() const {
  std::string label = source + ": document " + std::to_string(document);
  std::string kind = object.kind();
  std::string name = object.name();
  if (kind.empty() && name.empty()) return label;
  return label + " (" + (kind.empty() ? "<no kind>" : kind) + "/" +
         (name.empty() ? "<no name>" : name) + ")";
}

Manifests LoadManifests(const std::vector<std::string>& paths, bool recursive, FileSystem& fs,
                        std::istream& in) {
  Manifests out;
  bool stdin_read = false;
  for (const std::string& path : paths) {
    if (path == "-") {
      if (stdin_read) continue;
      stdin_read = true;
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      AddDocuments(kStdinName, text, &out);
      continue;
    }
    std::error_code ec;
    auto st = fsys::status(path, ec);
    if (ec || !fsys::exists(st)) {
      out.errors.push_back(path + ": no such file or directory");
      continue;
    }
    std::vector<std::string> files;
    if (fsys::is_directory(st)) {
      size_t before = out.errors.size();
      CollectDir(path, recursive, &files, &out.errors);
      if (files.empty() && out.errors.size() == before) {
        out.errors.push_back(path + ": no .yaml, .yml or .json files" +
                             std::string(recursive ? "" : " (use -R to read subdirectories)"));
      }
    } else {
      files.push_back(path);
    }
    for (const std::string& f : files) {
      auto text = fs.ReadFile(f);
      if (!text.ok()) {
        out.errors.push_back(f + ": " + text.status().message());
        continue;
      }
      AddDocuments(f, *text, &out);
    }
  }
  return out;
}

std::vector<std::string> ErrorLines(const ManifestObject& m, const Status& status) {
  std::vector<std::string> lines;
  std::string label = m.Label();
  for (const FieldCause& c : status.causes()) {
    lines.push_back(label + ": " + (c.field.empty() ? "" : c.field + ": ") + c.message);
  }
  if (lines.empty()) lines.push_back(label + ": " + status.message());
  return lines;
}

}  // namespace berth::cli
