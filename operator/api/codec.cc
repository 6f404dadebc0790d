#include "operator/api/codec.h"

#include <yaml-cpp/yaml.h>

#include <regex>
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

const std::regex& IntRe() {
  static const std::regex re(R"([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)");
  return re;
}
const std::regex& FloatRe() {
  static const std::regex re(
      R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  return re;
}

// Resolves a plain scalar to its YAML 1.2 core-schema type.
Json ResolvePlain(const std::string& s) {
  if (IsNullWord(s)) return nullptr;
  if (int b = BoolWord(s); b >= 0) return b == 1;
  if (std::regex_match(s, IntRe())) {
    try {
      if (s.starts_with("0x")) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 16));
      if (s.starts_with("0o")) return static_cast<int64_t>(std::stoll(s.substr(2), nullptr, 8));
      return static_cast<int64_t>(std::stoll(s));
    } catch (const std::out_of_range&) {
      return s;  // too large for int64: keep the text rather than lose digits
    }
  }
  if (std::regex_match(s, FloatRe())) {
    if (s.find("inf") != std::string::npos || s.find("nan") != std::string::npos ||
        s.find("Inf") != std::string::npos || s.find("NaN") != std::string::npos ||
        s.find("INF") != std::string::npos || s.find("NAN") != std::string::npos) {
      return s;  // JSON has no Inf/NaN; keep as text
    }
    return std::stod(s);
  }
  return s;
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

void Emit(YAML::Emitter& e, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: e << YAML::Null; break;
    case Json::value_t::boolean: e << v.get<bool>(); break;
    case Json::value_t::number_integer: e << v.get<int64_t>(); break;
    case Json::value_t::number_unsigned: e << v.get<uint64_t>(); break;
    case Json::value_t::number_float: e << v.get<double>(); break;
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (s.find('\n') != std::string::npos) {
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

}  // namespace

Result<std::vector<Document>> ParseYamlDocuments(std::string_view text) {
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
  try {
    return Json::parse(text.begin(), text.end());
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
