// What the registry does differently for Secrets so that their values never
// leave it by accident: errors are scrubbed of values, and the last-applied
// record holds hashes instead of values.
#include <algorithm>

#include "operator/common/strings.h"
#include "operator/registry/registry.h"

namespace berth::registry {
namespace {

// Every form in which a value of `secret` may show up in a message: as
// written, decoded (data is base64), JSON-quoted, and JSON-quoted cut short
// the way schema messages shorten long values.
std::vector<std::string> ValueForms(const Json& secret) {
  std::vector<std::string> plain;
  for (const char* field : {"data", "stringData"}) {
    auto it = secret.find(field);
    if (it == secret.end() || !it->is_object()) continue;
    for (const auto& [key, v] : it->items()) {
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      plain.push_back(text);
      std::string decoded;
      if (std::string_view(field) == "data" && Base64Decode(text, &decoded)) {
        plain.push_back(decoded);
      }
    }
  }
  std::vector<std::string> forms;
  for (const std::string& p : plain) {
    if (p.size() < 3) continue;  // too short to hide, and would mangle the message
    std::string quoted = Json(p).dump(-1, ' ', false, Json::error_handler_t::replace);
    forms.push_back(p);
    forms.push_back(quoted);
    forms.push_back(quoted.substr(1, quoted.size() - 2));
    if (quoted.size() > 80) forms.push_back(quoted.substr(0, 77));
  }
  std::sort(forms.begin(), forms.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return forms;
}

std::string Scrub(std::string text, const std::vector<std::string>& forms) {
  static const std::string kMarker = "<redacted>";
  for (const std::string& f : forms) {
    for (size_t pos = text.find(f); pos != std::string::npos; pos = text.find(f, pos)) {
      text.replace(pos, f.size(), kMarker);
      pos += kMarker.size();
    }
  }
  return text;
}

}  // namespace

Status ScrubSecretValues(const Status& st, const Json& secret) {
  if (st.ok()) return st;
  std::vector<std::string> forms = ValueForms(secret);
  std::vector<FieldCause> causes = st.causes();
  for (FieldCause& c : causes) c.message = Scrub(c.message, forms);
  std::string message = Scrub(st.message(), forms);
  if (st.code() == Code::kInvalid) return Status::Invalid(std::move(message), std::move(causes));
  return Status(st.code(), std::move(message));
}

Json HashSecretValues(Json manifest) {
  for (const char* field : {"data", "stringData"}) {
    auto it = manifest.find(field);
    if (it == manifest.end() || !it->is_object()) continue;
    for (auto& [key, v] : it->items()) {
      v = "sha256:" + Sha256Hex(v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return manifest;
}

}  // namespace berth::registry
