// Label and field selectors, with the Kubernetes syntax:
//   labels:  "a=b,c==d,e!=f,g in (x,y),h notin (z),i,!j"
//   fields:  "metadata.name=web,metadata.namespace!=kube" (any dotted path to a
//            scalar of the object, its field names of [A-Za-z0-9_-]; "=", "=="
//            and "!=" only; a term splits at its leftmost operator, as in
//            Kubernetes: "a=b!=c" compares a with "b!=c").
// Parse errors are BadRequest naming the offending term. Immutable after
// parsing; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::api {

class LabelSelector {
 public:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };

  static Result<LabelSelector> Parse(std::string_view text);
  // A selector from matchLabels-style equality requirements.
  static LabelSelector FromMap(const std::map<std::string, std::string>& labels);

  bool empty() const { return reqs_.empty(); }
  bool Matches(const std::map<std::string, std::string>& labels) const;
  const std::vector<Requirement>& requirements() const { return reqs_; }
  std::string ToString() const;

 private:
  std::vector<Requirement> reqs_;
};

class FieldSelector {
 public:
  struct Requirement {
    std::string path;  // dotted, e.g. "metadata.name", "regarding.kind"
    bool equals = true;
    std::string value;
  };

  static Result<FieldSelector> Parse(std::string_view text);

  bool empty() const { return reqs_.empty(); }
  // A missing field compares as the empty string; numbers and booleans
  // compare by their JSON text.
  bool Matches(const Json& object) const;
  const std::vector<Requirement>& requirements() const { return reqs_; }

 private:
  std::vector<Requirement> reqs_;
};

}  // namespace berth::api
