#include "operator/api/selector.h"

#include <algorithm>
#include <cctype>

#include "operator/api/meta.h"
#include "operator/common/strings.h"

namespace berth::api {
namespace {

// A tiny lexer over a selector string: identifiers, operators, parentheses, commas.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  char Peek() {
    SkipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  bool Consume(std::string_view tok) {
    SkipSpace();
    if (s_.substr(pos_).starts_with(tok)) {
      pos_ += tok.size();
      return true;
    }
    return false;
  }
  // Reads a word: characters other than space, ',', '(', ')', '=', '!'.
  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '(' || c == ')' ||
          c == '=' || c == '!') {
        break;
      }
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  // True when the next word is `kw` followed by a space or '('.
  bool ConsumeKeyword(std::string_view kw) {
    SkipSpace();
    std::string_view rest = s_.substr(pos_);
    if (!rest.starts_with(kw)) return false;
    if (rest.size() > kw.size() && !std::isspace(static_cast<unsigned char>(rest[kw.size()])) &&
        rest[kw.size()] != '(') {
      return false;
    }
    pos_ += kw.size();
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Bad(std::string_view text, const std::string& why) {
  return Status::BadRequest("invalid selector \"" + std::string(text) + "\": " + why);
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  LabelSelector sel;
  Lexer lx(text);
  if (lx.AtEnd()) return sel;
  while (true) {
    Requirement r;
    bool negated = lx.Consume("!");
    r.key = lx.Word();
    if (r.key.empty()) return Bad(text, "expected a label key");
    if (std::string why = CheckLabelKey(r.key); !why.empty()) {
      return Bad(text, "key \"" + r.key + "\" " + why);
    }
    if (negated) {
      r.op = Op::kNotExists;
    } else if (lx.Consume("==") || lx.Consume("=")) {
      r.op = Op::kEquals;
    } else if (lx.Consume("!=")) {
      r.op = Op::kNotEquals;
    } else if (lx.ConsumeKeyword("notin")) {
      r.op = Op::kNotIn;
    } else if (lx.ConsumeKeyword("in")) {
      r.op = Op::kIn;
    } else {
      r.op = Op::kExists;
    }
    if (r.op == Op::kEquals || r.op == Op::kNotEquals) {
      std::string v = lx.Word();
      if (std::string why = CheckLabelValue(v); !why.empty()) {
        return Bad(text, "value \"" + v + "\" " + why);
      }
      r.values.push_back(v);
    } else if (r.op == Op::kIn || r.op == Op::kNotIn) {
      if (!lx.Consume("(")) return Bad(text, "expected '(' after in/notin");
      while (true) {
        std::string v = lx.Word();
        if (v.empty() && r.values.empty() && lx.Peek() == ')') return Bad(text, "empty value set");
        if (std::string why = CheckLabelValue(v); !why.empty()) {
          return Bad(text, "value \"" + v + "\" " + why);
        }
        r.values.push_back(v);
        if (lx.Consume(")")) break;
        if (!lx.Consume(",")) return Bad(text, "expected ',' or ')' in value set");
      }
      if (r.values.empty()) return Bad(text, "empty value set");
    }
    sel.reqs_.push_back(std::move(r));
    if (lx.AtEnd()) break;
    if (!lx.Consume(",")) return Bad(text, "expected ',' between requirements");
  }
  return sel;
}

LabelSelector LabelSelector::FromMap(const std::map<std::string, std::string>& labels) {
  LabelSelector sel;
  for (const auto& [k, v] : labels) sel.reqs_.push_back({k, Op::kEquals, {v}});
  return sel;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& r : reqs_) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    auto in_values = [&] {
      return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    };
    switch (r.op) {
      case Op::kEquals:
        if (!in_values()) return false;
        break;
      case Op::kNotEquals:
        if (in_values()) return false;
        break;
      case Op::kIn:
        if (!in_values()) return false;
        break;
      case Op::kNotIn:
        if (in_values()) return false;
        break;
      case Op::kExists:
        if (!has) return false;
        break;
      case Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::string LabelSelector::ToString() const {
  std::vector<std::string> parts;
  for (const auto& r : reqs_) {
    switch (r.op) {
      case Op::kEquals: parts.push_back(r.key + "=" + r.values[0]); break;
      case Op::kNotEquals: parts.push_back(r.key + "!=" + r.values[0]); break;
      case Op::kIn: parts.push_back(r.key + " in (" + Join(r.values, ",") + ")"); break;
      case Op::kNotIn: parts.push_back(r.key + " notin (" + Join(r.values, ",") + ")"); break;
      case Op::kExists: parts.push_back(r.key); break;
      case Op::kNotExists: parts.push_back("!" + r.key); break;
    }
  }
  return Join(parts, ",");
}

namespace {

// Splits a field-selector term at its leftmost operator, as Kubernetes does:
// "a=b!=c" compares a with "b!=c". False when the term has no operator.
bool SplitTerm(std::string_view t, FieldSelector::Requirement* r, std::string_view* path,
               std::string_view* value) {
  for (size_t i = 0; i < t.size(); ++i) {
    std::string_view rest = t.substr(i);
    size_t len = rest.starts_with("!=") || rest.starts_with("==") ? 2 : rest[0] == '=' ? 1 : 0;
    if (len == 0) continue;
    r->equals = rest[0] != '!';
    *path = Trim(t.substr(0, i));
    *value = Trim(t.substr(i + len));
    return true;
  }
  return false;
}

// A field name in a path: letters, digits, '_' and '-'.
bool IsFieldName(std::string_view seg) {
  return !seg.empty() && std::all_of(seg.begin(), seg.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

}  // namespace

Result<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector sel;
  for (const std::string& term : Split(text, ',', true)) {
    std::string_view t = Trim(term);
    if (t.empty()) continue;
    Requirement r;
    std::string_view path;
    std::string_view value;
    if (!SplitTerm(t, &r, &path, &value)) {
      return Bad(text, "term \"" + std::string(t) + "\" needs =, == or !=");
    }
    r.path = std::string(path);
    r.value = std::string(value);
    if (r.path.empty()) return Bad(text, "empty field path");
    for (const std::string& seg : Split(r.path, '.')) {
      if (!IsFieldName(seg)) return Bad(text, "malformed field path \"" + r.path + "\"");
    }
    sel.reqs_.push_back(std::move(r));
  }
  return sel;
}

bool FieldSelector::Matches(const Json& object) const {
  for (const auto& r : reqs_) {
    const Json* cur = &object;
    for (const std::string& seg : Split(r.path, '.')) {
      if (cur == nullptr || !cur->is_object()) {
        cur = nullptr;
        break;
      }
      auto it = cur->find(seg);
      cur = it == cur->end() ? nullptr : &*it;
    }
    std::string actual;
    if (cur != nullptr && !cur->is_null()) {
      // (A stored object may hold invalid UTF-8: replaced, never thrown.)
      actual = cur->is_string() ? cur->get<std::string>()
                                : cur->dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    if ((actual == r.value) != r.equals) return false;
  }
  return true;
}

}  // namespace berth::api
