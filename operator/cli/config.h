// Where the CLI connects and as whom: the ~/.berth/config file, and the
// resolution of server, token and namespace from flags, environment, that
// file and the local defaults (in that order, each setting on its own).
//
// The local admin token (<data-dir>/admin.token) is used only when the server
// itself is the local default, so it is never sent to another server.
// Pure functions apart from the FileSystem given.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "operator/api/object.h"
#include "operator/common/filesystem.h"
#include "operator/common/result.h"

namespace berth::cli {

// ~/.berth/config, YAML: server, token, namespace, certificate-authority,
// insecure-skip-tls-verify. Unknown keys are kept when it is rewritten.
struct ConfigFile {
  api::Json doc = api::Json::object();

  std::string Get(const std::string& key) const;               // "" when unset
  void Set(const std::string& key, const std::string& value);  // "" unsets
  bool GetBool(const std::string& key) const;
};

// $BERTH_CONFIG when set, else $HOME/.berth/config.
std::string ConfigPath(const std::function<std::optional<std::string>(const std::string&)>& env);
// A missing file is an empty config; a malformed one is Invalid naming the path.
Result<ConfigFile> LoadConfig(FileSystem& fs, const std::string& path);
// Writes atomically with mode 0600, creating the directory (0700).
Status SaveConfig(FileSystem& fs, const std::string& path, const ConfigFile& config);

// The flags that bear on the connection; empty means not given.
struct ConnectionFlags {
  std::string server;
  std::string token;
  std::string ns;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority;
};

// Built-in defaults: serve::DefaultServer() and serve::DefaultDataDir().
struct Defaults {
  std::string server;
  std::string data_dir;
};

struct Connection {
  std::string server;
  std::string token;
  std::string ns;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority;
  // Where each came from: "flag", "env", "config", "default" (token also
  // "admin.token", or "" when there is none).
  std::string server_source;
  std::string token_source;
  std::string ns_source;
  std::string admin_token_path;  // the file tried for the default server
};

Connection ResolveConnection(
    const ConnectionFlags& flags,
    const std::function<std::optional<std::string>(const std::string&)>& env,
    const ConfigFile& file, const Defaults& defaults, FileSystem& fs);

// What to tell a user whose request was refused with 401.
std::string UnauthorizedHint(const Connection& c);

}  // namespace berth::cli
