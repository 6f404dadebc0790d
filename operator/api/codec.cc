#include "operator/api/codec.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

namespace berth::api {
namespace {

bool IsNullWord(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

int BoolWord(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return 1;
  if (s == "false" || s == "False" || s == "FALSE") return 0;
  return -1;
}

// Plain-scalar forms of the YAML 1.2 core schema, matched by hand: std::regex
// recurses once per character and overflows the stack on a long scalar.
bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}
bool IsDec(char c) { return c >= '0' && c <= '9'; }
bool IsOct(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
std::string_view WithoutSign(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s;
}

// [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
bool IsIntWord(std::string_view s) {
  if (s.starts_with("0o")) return AllOf(s.substr(2), IsOct);
  if (s.starts_with("0x")) return AllOf(s.substr(2), IsHex);
  return AllOf(WithoutSign(s), IsDec);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloatWord(std::string_view s) {
  s = WithoutSign(s);
  size_t i = 0;
  while (i < s.size() && IsDec(s[i])) ++i;
  size_t int_digits = i;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDec(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    return AllOf(WithoutSign(s.substr(i + 1)), IsDec);
  }
  return i == s.size();
}

// [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
bool IsInfNanWord(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  s = WithoutSign(s);
  return s == ".inf" || s == ".Inf" || s == ".INF";
}

// Resolves a plain scalar to its YAML 1.2 core-schema type.
Json ResolvePlain(const std::string& s) {
  if (IsNullWord(s)) return nullptr;
  if (int b = BoolWord(s); b >= 0) return b == 1;
  if (IsIntWord(s)) {
    try {
      if (s.starts_with("0x")) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 16));
      if (s.starts_with("0o")) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 8));
      return static_cast<int64_t>(std::stoll(s));
    } catch (const std::out_of_range&) {
      return s;  // too large for int64: keep the text rather than lose digits
    }
  }
  if (IsInfNanWord(s)) return s;  // JSON has no Inf/NaN; keep as text
  if (IsFloatWord(s)) {
    // strtod, not stod: stod throws on overflow and underflow. A value too
    // large for a double keeps its text (JSON has no Inf); one too small to
    // represent becomes the nearest double (0 or a denormal).
    errno = 0;
    double d = std::strtod(s.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(d)) return s;
    return d;
  }
  return s;
}

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), which Json strings must be.
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) return false;
    }
    i += len + 1;
  }
  return true;
}

class Converter {
 public:
  Status Convert(const YAML::Node& node, Json* out, int depth) {
    if (++nodes_ > kMaxNodes) return Status::Invalid("document expands to too many nodes");
    if (depth > kMaxDepth) return Status::Invalid("document nests deeper than 64 levels");
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        *out = nullptr;
        return Status::Ok();
      case YAML::NodeType::Scalar: {
        const std::string& s = node.Scalar();
        if (!IsUtf8(s)) return At(node, "invalid UTF-8 in a scalar");
        const std::string& tag = node.Tag();
        if (tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "!!str") {
          *out = s;
        } else if (tag == "?" || tag.empty()) {
          *out = ResolvePlain(s);
        } else {
          *out = ResolvePlain(s);  // other explicit tags: resolve like plain
        }
        return Status::Ok();
      }
      case YAML::NodeType::Sequence: {
        *out = Json::array();
        for (const auto& item : node) {
          Json v;
          BERTH_RETURN_IF_ERROR(Convert(item, &v, depth + 1));
          out->push_back(std::move(v));
        }
        return Status::Ok();
      }
      case YAML::NodeType::Map: {
        *out = Json::object();
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) return At(kv.first, "mapping keys must be strings");
          std::string key = kv.first.Scalar();
          if (!IsUtf8(key)) return At(kv.first, "invalid UTF-8 in a mapping key");
          if (out->contains(key)) return At(kv.first, "duplicate key \"" + key + "\"");
          Json v;
          BERTH_RETURN_IF_ERROR(Convert(kv.second, &v, depth + 1));
          (*out)[key] = std::move(v);
        }
        return Status::Ok();
      }
    }
    return Status::Internal("unknown YAML node type");
  }

 private:
  static Status At(const YAML::Node& n, const std::string& msg) {
    auto m = n.Mark();
    return Status::Invalid("line " + std::to_string(m.line + 1) + ", column " +
                           std::to_string(m.column + 1) + ": " + msg);
  }
  size_t nodes_ = 0;
};

bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  Json resolved = ResolvePlain(s);
  if (!resolved.is_string()) return true;
  // Words YAML 1.1 readers (kubectl's, compose's) take as booleans.
  static const std::set<std::string> k11 = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no",
                                            "No", "NO", "on", "On", "ON", "off", "Off", "OFF"};
  return k11.count(s) > 0;
}

// yaml-cpp's literal block style does not keep every string (a line that
// starts with spaces after the first, the final newline's chomping): it is
// used only for a string that reads back unchanged, double quotes otherwise.
// The probe is a map value followed by a line break, as in a document (at
// the very end of input a clipped block would lose its final newline).
bool LiteralKeeps(const std::string& s) {
  YAML::Emitter probe;
  probe << YAML::BeginMap << YAML::Key << "k" << YAML::Value << YAML::Literal << s
        << YAML::EndMap;
  try {
    YAML::Node n = YAML::Load(std::string(probe.c_str()) + "\n");
    return n.IsMap() && n["k"].IsScalar() && n["k"].Scalar() == s;
  } catch (const YAML::Exception&) {
    return false;
  }
}

void Emit(YAML::Emitter& e, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: e << YAML::Null; break;
    case Json::value_t::boolean: e << v.get<bool>(); break;
    case Json::value_t::number_integer: e << v.get<int64_t>(); break;
    case Json::value_t::number_unsigned: e << v.get<uint64_t>(); break;
    case Json::value_t::number_float: e << v.get<double>(); break;
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (s.find('\n') != std::string::npos && LiteralKeeps(s)) {
        e << YAML::Literal << s;
      } else if (NeedsQuotes(s)) {
        e << YAML::DoubleQuoted << s;
      } else {
        e << s;
      }
      break;
    }
    case Json::value_t::array:
      if (v.empty()) {
        e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      e << YAML::BeginSeq;
      for (const auto& item : v) Emit(e, item);
      e << YAML::EndSeq;
      break;
    case Json::value_t::object:
      if (v.empty()) {
        e << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      e << YAML::BeginMap;
      for (const auto& [k, item] : v.items()) {
        e << YAML::Key;
        if (NeedsQuotes(k)) {
          e << YAML::DoubleQuoted << k;
        } else {
          e << k;
        }
        e << YAML::Value;
        Emit(e, item);
      }
      e << YAML::EndMap;
      break;
    default: e << YAML::Null; break;
  }
}

// Finds the 1-based line where each document starts ("---" separators).
std::vector<int> DocumentStartLines(std::string_view text) {
  std::vector<int> starts = {1};
  int line = 1;
  size_t pos = 0;
  bool first_content_seen = false;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view l = text.substr(pos, eol == std::string_view::npos ? text.size() - pos
                                                                         : eol - pos);
    if (l.starts_with("---")) {
      if (first_content_seen) starts.push_back(line);
      else starts[0] = line;
      first_content_seen = true;
    } else if (!l.empty() && !l.starts_with("#")) {
      first_content_seen = true;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
    ++line;
  }
  return starts;
}

// yaml-cpp 0.7 never returns from LoadAll when a document's root node is a
// flow collection or a quoted scalar followed by ',' ("{a},", "\"q\","), or
// a line starts with ',' (found by fuzz/manifest_fuzzer). That is invalid YAML anyway: it is found
// here first and reported. Returns the 1-based line of such a ',' or 0.
int RootFollowedByComma(std::string_view text) {
  // A line that starts with ',' (",", "- a\n,") hangs it as well.
  for (size_t at = 0, n = 1; at < text.size(); ++n) {
    if (text[at] == ',') return static_cast<int>(n);
    at = text.find('\n', at);
    if (at == std::string_view::npos) break;
    ++at;
  }
  size_t i = 0;
  int line = 1;
  auto skip_blank = [&](bool newlines) {
    while (i < text.size()) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else if (c == '\n' && newlines) {
        ++i;
        ++line;
      } else if (c == '#' && newlines) {
        while (i < text.size() && text[i] != '\n') ++i;
      } else {
        break;
      }
    }
  };
  while (i < text.size()) {
    // The start of a document's content: skip blank and comment lines,
    // directives and a "---" marker (its root may follow on the same line).
    skip_blank(true);
    if (i >= text.size()) break;
    bool line_start = i == 0 || text[i - 1] == '\n';
    if (line_start && text[i] == '%') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (line_start && text.substr(i).starts_with("---")) {
      i += 3;
      skip_blank(false);
      if (i >= text.size() || text[i] == '\n' || text[i] == '#') continue;
    }
    char open = text[i];
    if (open == '{' || open == '[' || open == '"' || open == '\'') {
      int depth = 0;
      char quote = 0;
      // A quote opens a quoted scalar only where a node starts: after "{",
      // "[", "," or ":" (in a plain scalar it is just a character).
      bool node_start = true;
      for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n') ++line;
        if (quote == 0 && c != '"' && c != '\'' && c != ' ' && c != '\t' && c != '\r' &&
            c != '\n') {
          bool was_start = node_start;
          node_start = c == '{' || c == '[' || c == ',' || c == ':';
          if (!was_start && c != '}' && c != ']' && !node_start) continue;  // plain scalar text
        }
        if (quote != 0) {
          if (quote == '"' && c == '\\') {
            ++i;
          } else if (c == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
              ++i;
            } else {
              quote = 0;
              if (depth == 0) break;
            }
          }
        } else if ((c == '"' || c == '\'') && node_start) {
          quote = c;
          node_start = false;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if ((c == '}' || c == ']') && --depth <= 0) {
          break;
        }
      }
      if (i >= text.size()) return 0;  // unterminated: yaml-cpp reports it
      ++i;
      skip_blank(true);
      if (i < text.size() && text[i] == ',') return line;
    }
    // The rest of this document: on to the next "---" line.
    for (;;) {
      size_t eol = text.find('\n', i);
      if (eol == std::string_view::npos) return 0;
      i = eol + 1;
      ++line;
      if (text.substr(i).starts_with("---")) break;
    }
  }
  return 0;
}

// True when arrays and objects in JSON `text` nest deeper than `max_depth`
// (brackets inside strings do not count). Linear, no recursion.
bool JsonDepthExceeds(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<std::vector<Document>> ParseYamlDocuments(std::string_view text) {
  if (int line = RootFollowedByComma(text); line > 0) {
    return Status::Invalid("line " + std::to_string(line) +
                           ": unexpected ',' after the document's top-level value");
  }
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::Invalid("line " + std::to_string(e.mark.line + 1) + ", column " +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  std::vector<int> starts = DocumentStartLines(text);
  std::vector<Document> docs;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Document d;
    d.index = static_cast<int>(i) + 1;
    d.line = i < starts.size() ? starts[i] : 0;
    Converter conv;
    Status st = conv.Convert(nodes[i], &d.value, 0);
    if (!st.ok()) return st.Prefixed("document " + std::to_string(d.index));
    if (d.value.is_null()) continue;
    docs.push_back(std::move(d));
  }
  return docs;
}

Result<Json> ParseYaml(std::string_view text) {
  BERTH_ASSIGN_OR_RETURN(auto docs, ParseYamlDocuments(text));
  if (docs.size() != 1) {
    return Status::Invalid("expected exactly one document, found " + std::to_string(docs.size()));
  }
  return std::move(docs[0].value);
}

Result<Json> ParseJson(std::string_view text) {
  // nlohmann parses any depth, but copies, compares and serializes
  // recursively: a deeply nested body would overflow the stack later.
  if (JsonDepthExceeds(text, kMaxDepth)) {
    return Status::BadRequest("invalid JSON: nests deeper than " + std::to_string(kMaxDepth) +
                              " levels");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::out_of_range&) {
    // A number beyond a double's range (1e4000). Not echoed: it may be a value.
    return Status::BadRequest("invalid JSON: a number is out of range");
  } catch (const Json::parse_error& e) {
    // nlohmann appends "; last read: '<input>'", which may be a Secret's
    // value: the line and column say where the error is without it.
    std::string what = e.what();
    if (size_t cut = what.find("; last read:"); cut != std::string::npos) what.resize(cut);
    return Status::BadRequest("invalid JSON: " + what);
  }
}

std::string ToYaml(const Json& value) {
  YAML::Emitter e;
  e.SetIndent(2);
  e.SetSeqFormat(YAML::Block);
  Emit(e, value);
  std::string out = e.c_str();
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

}  // namespace berth::api
