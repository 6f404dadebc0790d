#include "controllers/provider/render.h"

#include <algorithm>

#include "operator/common/strings.h"

namespace berth::provider {
namespace {

using api::Json;

std::vector<std::string> Models(const Json& spec) {
  std::vector<std::string> out;
  const Json& models = spec.value("models", Json::array());
  if (!models.is_array()) return out;
  for (const Json& m : models) {
    if (m.is_string()) out.push_back(m.get<std::string>());
  }
  return out;
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A YAML double-quoted scalar: JSON string syntax is valid YAML.
std::string Quoted(const std::string& s) {
  return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Where(const api::Object& p) {
  return "Provider \"" + p.name() + "\"";
}

}  // namespace

std::string UniApiBaseUrl(const std::string& type, const std::string& base_url) {
  std::string url = base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (type == "gemini") return url;
  if (type == "anthropic") {
    if (EndsWith(url, "/messages")) return url;
    return url + (EndsWith(url, "/v1") ? "/messages" : "/v1/messages");
  }
  if (EndsWith(url, "/chat/completions")) return url;
  return url + "/chat/completions";
}

Result<std::string> RenderInstanceConfig(const api::Object& provider, const std::string& api_key,
                                         const std::string& model) {
  const Json& spec = provider.spec();
  if (!spec.is_object()) return Status::Invalid(Where(provider) + " has no spec");
  std::string type = Str(spec, "type");
  std::string base = Str(spec, "baseURL");
  if (base.empty()) {
    return Status::Invalid(Where(provider) + " has no baseURL",
                           {{"spec.baseURL", "Required value"}});
  }
  if (api_key.empty() && type != "vllm") {
    return Status::Invalid(Where(provider) + " has no API key (apiKeySecretRef)",
                           {{"spec.apiKeySecretRef", "Required value"}});
  }
  std::vector<std::string> models = Models(spec);
  std::string chosen = model;
  if (chosen.empty()) chosen = Str(spec, "defaultModel");
  if (chosen.empty() && !models.empty()) chosen = models.front();
  Json out = Json::object();  // nlohmann::json keeps keys sorted
  out["apiKey"] = api_key;
  out["baseURL"] = base;
  out["model"] = chosen;
  out["models"] = models;
  out["provider"] = type;
  out["providerName"] = provider.name();
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<std::string> RenderUniApi(const std::vector<KeyedProvider>& providers,
                                 const std::vector<std::string>& gateway_keys) {
  if (providers.empty()) {
    return Status::Invalid("no Provider selected: uni-api needs at least one provider");
  }
  std::string out = "providers:\n";
  for (const KeyedProvider& kp : providers) {
    const Json& spec = kp.provider.spec();
    if (!spec.is_object()) return Status::Invalid(Where(kp.provider) + " has no spec");
    std::string type = Str(spec, "type");
    std::string base = Str(spec, "baseURL");
    if (base.empty()) return Status::Invalid(Where(kp.provider) + " has no baseURL");
    if (kp.api_key.empty() && type != "vllm") {
      return Status::Invalid(Where(kp.provider) + " has no API key (apiKeySecretRef)");
    }
    out += "  - provider: " + Quoted(kp.provider.name()) + "\n";
    out += "    base_url: " + Quoted(UniApiBaseUrl(type, base)) + "\n";
    if (!kp.api_key.empty()) out += "    api: " + Quoted(kp.api_key) + "\n";
    std::vector<std::string> models = Models(spec);
    if (!models.empty()) {
      out += "    model:\n";
      for (const std::string& m : models) out += "      - " + Quoted(m) + "\n";
    }
  }
  if (!gateway_keys.empty()) {
    out += "api_keys:\n";
    for (const std::string& k : gateway_keys) {
      out += "  - api: " + Quoted(k) + "\n";
      out += "    model:\n      - \"all\"\n";
    }
  }
  return out;
}

Result<std::string> RenderFormat(const std::string& format,
                                 const std::vector<KeyedProvider>& providers) {
  if (format == kFormatUniApi) return RenderUniApi(providers);
  if (format == kFormatInstanceConfig) {
    if (providers.size() != 1) {
      return Status::Invalid("format instance-config renders exactly one Provider, " +
                             std::to_string(providers.size()) + " selected");
    }
    return RenderInstanceConfig(providers.front().provider, providers.front().api_key);
  }
  return Status::Invalid("unknown render format \"" + format + "\"");
}

std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets) {
  // (form in the text, the value it stands for): the value as is and as it
  // appears inside a JSON or YAML double-quoted string.
  std::vector<std::pair<std::string, std::string>> forms;
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    forms.emplace_back(s, s);
    std::string quoted = Quoted(s);
    std::string escaped = quoted.substr(1, quoted.size() - 2);
    if (escaped != s) forms.emplace_back(escaped, s);
  }
  // Longest first, so that a key containing another is replaced whole.
  std::sort(forms.begin(), forms.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [form, value] : forms) {
    // The marker hashes the value itself, whichever form was found.
    std::string marker = "<redacted:sha256:" + Sha256Hex(value).substr(0, 8) + ">";
    for (size_t pos = text.find(form); pos != std::string::npos; pos = text.find(form, pos)) {
      text.replace(pos, form.size(), marker);
      pos += marker.size();
    }
  }
  return text;
}

}  // namespace berth::provider
