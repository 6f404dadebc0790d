#include "operator/cli/config.h"

#include <filesystem>

#include "operator/api/codec.h"
#include "operator/common/strings.h"

namespace berth::cli {

std::string ConfigFile::Get(const std::string& key) const {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

void ConfigFile::Set(const std::string& key, const std::string& value) {
  if (value.empty()) {
    doc.erase(key);
  } else {
    doc[key] = value;
  }
}

bool ConfigFile::GetBool(const std::string& key) const {
  auto it = doc.find(key);
  if (it == doc.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && it->get<std::string>() == "true";
}

std::string ConfigPath(const std::function<std::optional<std::string>(const std::string&)>& env) {
  if (auto p = env("BERTH_CONFIG"); p && !p->empty()) return *p;
  std::string home = env("HOME").value_or("");
  if (home.empty()) home = ".";
  return home + "/.berth/config";
}

Result<ConfigFile> LoadConfig(FileSystem& fs, const std::string& path) {
  auto text = fs.ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return ConfigFile{};
    return text.status().Prefixed("reading " + path);
  }
  if (Trim(*text).empty()) return ConfigFile{};
  auto doc = api::ParseYaml(*text);
  if (!doc.ok()) return Status::Invalid(path + ": " + doc.status().message());
  if (!doc->is_object()) return Status::Invalid(path + ": must be a YAML mapping");
  return ConfigFile{std::move(doc).value()};
}

Status SaveConfig(FileSystem& fs, const std::string& path, const ConfigFile& config) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) BERTH_RETURN_IF_ERROR(fs.MakeDirs(dir, 0700));
  return fs.WriteFileAtomic(path, api::ToYaml(config.doc), 0600);
}

Connection ResolveConnection(
    const ConnectionFlags& flags,
    const std::function<std::optional<std::string>(const std::string&)>& env,
    const ConfigFile& file, const Defaults& defaults, FileSystem& fs) {
  Connection c;
  // One setting at a time: flag, then environment, then the config file.
  auto pick = [&](const std::string& flag, const char* env_name, const char* file_key,
                  std::string* value, std::string* source) {
    if (!flag.empty()) {
      *value = flag;
      *source = "flag";
    } else if (auto e = env(env_name); e && !e->empty()) {
      *value = *e;
      *source = "env";
    } else if (std::string f = file.Get(file_key); !f.empty()) {
      *value = f;
      *source = "config";
    }
  };
  pick(flags.server, "BERTH_SERVER", "server", &c.server, &c.server_source);
  pick(flags.token, "BERTH_TOKEN", "token", &c.token, &c.token_source);
  pick(flags.ns, "BERTH_NAMESPACE", "namespace", &c.ns, &c.ns_source);
  if (c.server.empty()) {
    c.server = defaults.server;
    c.server_source = "default";
  }
  if (c.ns.empty()) {
    c.ns = std::string(api::kDefaultNamespace);
    c.ns_source = "default";
  }
  c.admin_token_path = defaults.data_dir + "/admin.token";
  if (c.token.empty() && c.server_source == "default") {
    auto t = fs.ReadFile(c.admin_token_path);
    if (t.ok() && !Trim(*t).empty()) {
      c.token = std::string(Trim(*t));
      c.token_source = "admin.token";
    }
  }
  c.insecure_skip_tls_verify =
      flags.insecure_skip_tls_verify || file.GetBool("insecure-skip-tls-verify");
  c.certificate_authority = !flags.certificate_authority.empty()
                                ? flags.certificate_authority
                                : file.Get("certificate-authority");
  return c;
}

std::string UnauthorizedHint(const Connection& c) {
  if (c.token.empty()) {
    std::string hint =
        "no token was given: pass --token, set BERTH_TOKEN, or run `berth config set-token`";
    if (c.server_source == "default") {
      hint += "; the local server's admin token is read from " + c.admin_token_path +
              " when that file is readable";
    }
    return hint;
  }
  std::string from = c.token_source == "flag"     ? "--token"
                     : c.token_source == "env"    ? "BERTH_TOKEN"
                     : c.token_source == "config" ? "the config file"
                                                  : c.admin_token_path;
  return "the token from " + from + " was not accepted by " + c.server;
}

}  // namespace berth::cli
