#include "controllers/stack/pull_auth.h"

#include <nlohmann/json.hpp>

#include "operator/common/strings.h"

namespace berth::stack {
namespace {

constexpr const char* kDockerConfigKey = ".dockerconfigjson";
constexpr const char* kDockerHubAddress = "https://index.docker.io/v1/";

// The address the engine is given with the credentials: what `docker login`
// would have used for this registry.
std::string ServerAddress(const std::string& registry) {
  return registry == "docker.io" ? kDockerHubAddress : registry;
}

Result<std::optional<docker::RegistryAuth>> FromDockerConfig(const std::string& text,
                                                             const std::string& registry) {
  nlohmann::json cfg;
  try {
    cfg = nlohmann::json::parse(text);
  } catch (const std::exception&) {
    // Never echo the parser's message: it may quote the content.
    return Status::Invalid("", {{kDockerConfigKey, "Invalid value: not valid JSON"}});
  }
  const nlohmann::json* auths = cfg.is_object() && cfg.contains("auths") ? &cfg["auths"] : nullptr;
  if (auths == nullptr || !auths->is_object()) {
    return Status::Invalid("", {{kDockerConfigKey, "Invalid value: has no \"auths\" object"}});
  }
  for (const auto& [host, entry] : auths->items()) {
    if (NormalizeRegistry(host) != registry || !entry.is_object()) continue;
    docker::RegistryAuth auth;
    auth.server_address = ServerAddress(registry);
    auth.username = entry.value("username", "");
    auth.password = entry.value("password", "");
    if (auth.username.empty() && entry.contains("auth") && entry["auth"].is_string()) {
      std::string decoded;
      size_t colon;
      if (!Base64Decode(entry["auth"].get<std::string>(), &decoded) ||
          (colon = decoded.find(':')) == std::string::npos) {
        return Status::Invalid("", {{std::string(kDockerConfigKey) + ".auths." + host + ".auth",
                                     "Invalid value: must be base64 of username:password"}});
      }
      auth.username = decoded.substr(0, colon);
      auth.password = decoded.substr(colon + 1);
    }
    if (auth.username.empty()) {
      return Status::Invalid("", {{std::string(kDockerConfigKey) + ".auths." + host,
                                   "Required value: username and password, or auth"}});
    }
    return std::optional<docker::RegistryAuth>(std::move(auth));
  }
  return std::optional<docker::RegistryAuth>();
}

}  // namespace

std::string NormalizeRegistry(const std::string& registry) {
  std::string r = ToLower(registry);
  for (const char* scheme : {"https://", "http://"}) {
    if (StartsWith(r, scheme)) r = r.substr(std::string(scheme).size());
  }
  if (size_t slash = r.find('/'); slash != std::string::npos) r = r.substr(0, slash);
  if (r == "index.docker.io" || r == "registry-1.docker.io" || r == "registry.hub.docker.com") {
    return "docker.io";
  }
  return r;
}

std::string ImageRegistry(const std::string& image) {
  size_t slash = image.find('/');
  if (slash == std::string::npos) return "docker.io";
  std::string first = image.substr(0, slash);
  bool host = first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
              first == "localhost";
  return host ? NormalizeRegistry(first) : "docker.io";
}

std::map<std::string, std::string> SecretData(const api::Object& secret) {
  std::map<std::string, std::string> out;
  const api::Json& data = secret.json().value("data", api::Json::object());
  if (data.is_object()) {
    for (const auto& [k, v] : data.items()) {
      std::string decoded;
      if (v.is_string() && Base64Decode(v.get<std::string>(), &decoded)) out[k] = decoded;
    }
  }
  const api::Json& sdata = secret.json().value("stringData", api::Json::object());
  if (sdata.is_object()) {
    for (const auto& [k, v] : sdata.items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
  }
  return out;
}

Result<std::optional<docker::RegistryAuth>> RegistryAuthFromSecret(
    const std::map<std::string, std::string>& data, const std::string& registry) {
  if (auto cfg = data.find(kDockerConfigKey); cfg != data.end()) {
    return FromDockerConfig(cfg->second, registry);
  }
  auto user = data.find("username"), pass = data.find("password"), reg = data.find("registry");
  if (user == data.end() || pass == data.end() || reg == data.end()) {
    std::string missing = reg == data.end()    ? "registry"
                          : user == data.end() ? "username"
                                               : "password";
    return Status::Invalid(
        "", {{missing, "Required value: a pull Secret has a " + std::string(kDockerConfigKey) +
                           " key, or registry, username and password"}});
  }
  if (NormalizeRegistry(reg->second) != registry) return std::optional<docker::RegistryAuth>();
  return std::optional<docker::RegistryAuth>(
      docker::RegistryAuth{user->second, pass->second, ServerAddress(registry)});
}

PullCredentials FindPullCredentials(registry::Registry& registry, const std::string& ns,
                                    const std::vector<std::string>& secrets,
                                    const std::string& image) {
  PullCredentials out;
  std::string host = ImageRegistry(image);
  for (const std::string& name : secrets) {
    std::string which = "Secret \"" + name + "\"";
    auto obj = registry.Get("Secret", ns, name);
    if (!obj.ok()) {
      out.notes.push_back(obj.status().code() == Code::kNotFound
                              ? which + " not found"
                              : which + ": " + obj.status().message());
      continue;
    }
    auto auth = RegistryAuthFromSecret(SecretData(*obj), host);
    if (!auth.ok()) {
      const auto& causes = auth.status().causes();
      out.notes.push_back(which + ": " +
                          (causes.empty() ? auth.status().message()
                                          : "key " + causes[0].field + ": " + causes[0].message));
      continue;
    }
    if (!*auth) {
      out.notes.push_back(which + " has no credentials for " + host);
      continue;
    }
    out.values = {(*auth)->username, (*auth)->password};
    out.auth = std::move(*auth);
    out.secret = name;
    out.notes.clear();
    return out;
  }
  return out;
}

std::string PullDescription(const std::string& image, const PullCredentials& creds) {
  if (creds.auth) return "pull " + image + " with credentials from Secret \"" + creds.secret + "\"";
  if (creds.notes.empty()) return "pull " + image;
  return "pull " + image + " without credentials (" + Join(creds.notes, "; ") + ")";
}

Status PullError(const std::string& image, const PullCredentials& creds, const Status& engine) {
  std::string why = engine.message();
  // The client says "pulling IMAGE: ..." already; the description names it.
  if (std::string dup = "pulling " + image + ": "; StartsWith(why, dup))
    why = why.substr(dup.size());
  for (const std::string& v : creds.values) {
    if (v.empty()) continue;
    for (size_t pos = why.find(v); pos != std::string::npos; pos = why.find(v, pos)) {
      why.replace(pos, v.size(), "<redacted>");
      pos += 10;
    }
  }
  return Status(engine.code(), PullDescription(image, creds) + ": " + why);
}

}  // namespace berth::stack
