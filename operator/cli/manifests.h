// Manifests: the objects of `-f FILE|DIR|-` arguments, each remembering the
// file and document it came from, so every error can name them:
//   "stack.yaml: document 2 (Stack/web): spec.services.web.image: Required value"
//
// Directories contribute their .yaml, .yml and .json files in name order
// (subdirectories too with `recursive`); a file named explicitly is read
// whatever its extension; "-" reads the given input stream. Documents of
// kind List (or <Kind>List) contribute their items.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/filesystem.h"
#include "operator/common/status.h"

namespace berth::cli {

inline constexpr const char* kStdinName = "<stdin>";

struct ManifestObject {
  std::string source;  // the file's path, or kStdinName
  int document = 0;    // 1-based document index within `source`
  int line = 0;        // 1-based line where the document starts
  api::Object object;

  // "FILE: document N (Kind/name)", without the parenthesis when the object
  // has neither kind nor name.
  std::string Label() const;
};

struct Manifests {
  std::vector<ManifestObject> objects;
  std::vector<std::string> errors;  // one line each, naming file and document
};

// Reads every path; errors in one file do not stop the others from being
// read, so a user sees every problem at once.
Manifests LoadManifests(const std::vector<std::string>& paths, bool recursive, FileSystem& fs,
                        std::istream& in);

// The error lines for `status` about `m`: one "LABEL: field: message" per
// field cause, or "LABEL: message" when there is none.
std::vector<std::string> ErrorLines(const ManifestObject& m, const Status& status);

}  // namespace berth::cli
