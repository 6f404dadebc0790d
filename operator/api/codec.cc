#include "operator/api/codec.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "operator/api/noncharacters.h"
#include "operator/api/yaml_scalar.h"

namespace berth::api {
namespace {

bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  Json resolved = ResolvePlain(s);
  if (!resolved.is_string()) return true;
  // Words YAML 1.1 readers (kubectl's, compose's) take as booleans.
  static const std::set<std::string> k11 = {"y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
                                            "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  return k11.count(s) > 0;
}

// yaml-cpp's literal block style does not keep every string (a line that
// starts with spaces after the first, the final newline's chomping): it is
// used only for a string that reads back unchanged, double quotes otherwise.
// The probe is a map value followed by a line break, as in a document (at
// the very end of input a clipped block would lose its final newline), read
// back by ParseYaml as any manifest is.
bool LiteralKeeps(const std::string& s) {
  YAML::Emitter probe;
  probe << YAML::BeginMap << YAML::Key << "k" << YAML::Value << YAML::Literal << s << YAML::EndMap;
  auto back = ParseYaml(std::string(probe.c_str()) + "\n");
  return back.ok() && back->is_object() && back->value("k", Json()) == s;
}

// `marker`: see noncharacters.h; "" when the document holds no noncharacter.
void EmitString(YAML::Emitter& e, const std::string& s, const std::string& marker) {
  if (!marker.empty() && HasNoncharacter(s)) {
    e << YAML::DoubleQuoted << ReplaceNoncharacters(s, marker);
  } else if (s.find('\n') != std::string::npos && LiteralKeeps(s)) {
    e << YAML::Literal << s;
  } else if (NeedsQuotes(s)) {
    e << YAML::DoubleQuoted << s;
  } else {
    e << s;
  }
}

void Emit(YAML::Emitter& e, const Json& v, const std::string& marker) {
  switch (v.type()) {
    case Json::value_t::null: e << YAML::Null; break;
    case Json::value_t::boolean: e << v.get<bool>(); break;
    case Json::value_t::number_integer: e << v.get<int64_t>(); break;
    case Json::value_t::number_unsigned: e << v.get<uint64_t>(); break;
    case Json::value_t::number_float: e << v.get<double>(); break;
    case Json::value_t::string: EmitString(e, v.get_ref<const std::string&>(), marker); break;
    case Json::value_t::array:
      if (v.empty()) {
        e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      e << YAML::BeginSeq;
      for (const auto& item : v) Emit(e, item, marker);
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
        if (!marker.empty() && HasNoncharacter(k)) {
          e << YAML::DoubleQuoted << ReplaceNoncharacters(k, marker);
        } else if (NeedsQuotes(k)) {
          e << YAML::DoubleQuoted << k;
        } else {
          e << k;
        }
        e << YAML::Value;
        Emit(e, item, marker);
      }
      e << YAML::EndMap;
      break;
    default: e << YAML::Null; break;
  }
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
  std::string marker = NoncharacterMarker(value);
  Emit(e, value, marker);
  std::string out = marker.empty() ? e.c_str() : EscapeNoncharacterMarkers(e.c_str(), marker);
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

}  // namespace berth::api
