// The JSONPath subset of CRD printer columns.
#include <optional>
#include <string>
#include <vector>

#include "operator/apiserver/table.h"
#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

using api::Json;

struct Filter {
  std::string key;  // dotted path below @
  bool equals = true;
  std::string value;
};

// One step of a path: a key, an index, every element, or a filter.
struct Step {
  enum Kind { kKey, kIndex, kAll, kFilter } kind = kKey;
  std::string key;
  long long index = 0;
  Filter filter;
};

// Reads a quoted string starting at s[i] (a quote); advances i past it.
std::optional<std::string> Quoted(std::string_view s, size_t& i) {
  char q = s[i++];
  std::string out;
  while (i < s.size() && s[i] != q) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i++];
  }
  if (i >= s.size()) return std::nullopt;
  ++i;
  return out;
}

std::optional<Filter> ParseFilter(std::string_view f) {
  // ?(@.a.b=="v")
  f = Trim(f);
  if (!StartsWith(f, "?(") || !EndsWith(f, ")")) return std::nullopt;
  f = Trim(f.substr(2, f.size() - 3));
  if (!StartsWith(f, "@.")) return std::nullopt;
  size_t op = f.find("==");
  bool equals = true;
  if (op == std::string_view::npos) {
    op = f.find("!=");
    equals = false;
  }
  if (op == std::string_view::npos) return std::nullopt;
  Filter out;
  out.key = std::string(Trim(f.substr(2, op - 2)));
  out.equals = equals;
  std::string_view rhs = Trim(f.substr(op + 2));
  if (!rhs.empty() && (rhs[0] == '"' || rhs[0] == '\'')) {
    size_t i = 0;
    auto v = Quoted(rhs, i);
    if (!v) return std::nullopt;
    out.value = *v;
  } else {
    out.value = std::string(rhs);
  }
  return out;
}

std::optional<std::vector<Step>> Parse(std::string_view path) {
  path = Trim(path);
  if (StartsWith(path, "{") && EndsWith(path, "}")) path = Trim(path.substr(1, path.size() - 2));
  if (StartsWith(path, "$")) path.remove_prefix(1);
  std::vector<Step> steps;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      Step st;
      while (i < path.size() && path[i] != '.' && path[i] != '[') {
        if (path[i] == '\\' && i + 1 < path.size()) ++i;
        st.key += path[i++];
      }
      if (st.key.empty()) return std::nullopt;
      steps.push_back(std::move(st));
    } else if (path[i] == '[') {
      size_t close = path.find(']', i);
      // A filter's quoted value may hold ']': find the bracket after ")".
      if (i + 1 < path.size() && path[i + 1] == '?') close = path.find(")]", i) + 1;
      if (close == std::string_view::npos || close == 0) return std::nullopt;
      std::string_view inner = path.substr(i + 1, close - i - 1);
      Step st;
      if (inner == "*") {
        st.kind = Step::kAll;
      } else if (!inner.empty() && inner[0] == '?') {
        auto f = ParseFilter(inner);
        if (!f) return std::nullopt;
        st.kind = Step::kFilter;
        st.filter = *f;
      } else if (!inner.empty() && (inner[0] == '\'' || inner[0] == '"')) {
        size_t j = 0;
        auto k = Quoted(inner, j);
        if (!k) return std::nullopt;
        st.key = *k;
      } else {
        st.kind = Step::kIndex;
        if (!ParseInt64(inner, &st.index)) return std::nullopt;
      }
      steps.push_back(std::move(st));
      i = close + 1;
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

const Json* Dotted(const Json& j, const std::string& dotted) {
  const Json* cur = &j;
  for (const std::string& part : Split(dotted, '.', true)) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string Scalar(const Json& j) {
  return j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

std::optional<Json> EvalJsonPath(const Json& obj, std::string_view path) {
  auto steps = Parse(path);
  if (!steps) return std::nullopt;
  std::vector<const Json*> cur = {&obj};
  for (const Step& st : *steps) {
    std::vector<const Json*> next;
    for (const Json* j : cur) {
      switch (st.kind) {
        case Step::kKey:
          if (j->is_object()) {
            if (auto it = j->find(st.key); it != j->end()) next.push_back(&*it);
          }
          break;
        case Step::kIndex:
          if (j->is_array()) {
            long long n = static_cast<long long>(j->size());
            long long idx = st.index < 0 ? n + st.index : st.index;
            if (idx >= 0 && idx < n) next.push_back(&(*j)[static_cast<size_t>(idx)]);
          }
          break;
        case Step::kAll:
          if (j->is_array() || j->is_object()) {
            for (const Json& e : *j) next.push_back(&e);
          }
          break;
        case Step::kFilter:
          if (j->is_array()) {
            for (const Json& e : *j) {
              const Json* v = Dotted(e, st.filter.key);
              bool eq = v != nullptr && Scalar(*v) == st.filter.value;
              if (eq == st.filter.equals) next.push_back(&e);
            }
          }
          break;
      }
    }
    cur = std::move(next);
    if (cur.empty()) return std::nullopt;
  }
  return *cur.front();
}

}  // namespace berth::apiserver
