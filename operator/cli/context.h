// Context: what every command shares — the global flags, the process
// environment (streams, env vars, files, clock, catalog) and, made on first
// use, the resolved connection and the ApiClient. Tests build one with
// string streams, a fake environment and a fake client factory.
// Not thread-safe; one per CLI invocation.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "operator/api/catalog.h"
#include "operator/cli/api_client.h"
#include "operator/cli/config.h"
#include "operator/common/clock.h"
#include "operator/common/filesystem.h"
#include "operator/common/result.h"
#include "operator/serve/options.h"

namespace berth::cli {

using ServeFn = int (*)(const serve::Options&);
using EnvFn = std::function<std::optional<std::string>(const std::string&)>;
using ClientFactory = std::function<Result<std::unique_ptr<ApiClient>>(
    const Connection& connection, int verbosity, std::ostream& log)>;

// The process as the CLI sees it.
struct Environment {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  std::istream* in = nullptr;
  EnvFn env;
  FileSystem* fs = nullptr;
  const Clock* clock = nullptr;
  const api::Catalog* catalog = nullptr;
  Defaults defaults;
  ServeFn serve = nullptr;
  ClientFactory client_factory;  // empty: libcurl (NewCurlClient)
};

// Global flags, parsed before any command runs.
struct GlobalFlags {
  ConnectionFlags connection;
  int verbosity = 0;
};

class Context {
 public:
  explicit Context(Environment env) : env_(std::move(env)) {}

  GlobalFlags flags;

  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  std::istream& in() { return *env_.in; }
  FileSystem& fs() { return *env_.fs; }
  const Clock& clock() const { return *env_.clock; }
  const api::Catalog& catalog() const { return *env_.catalog; }
  const Environment& env() const { return env_; }
  std::optional<std::string> Getenv(const std::string& name) const { return env_.env(name); }

  // The resolved server, token and namespace (flags > env > config > default).
  Result<Connection> connection();
  // The client for connection(); made once.
  Result<ApiClient*> client();
  // The namespace commands act in: -n, BERTH_NAMESPACE, config, "default".
  Result<std::string> ns();
  // ~/.berth/config's path.
  std::string config_path() const { return ConfigPath(env_.env); }

  // Exit code for a command that fails with an error Status (diff uses 2).
  int error_exit_code = 1;
  // Exit code for a command that succeeds (diff: 1 when there are differences).
  int success_exit_code = 0;
  // The outcome of the command that ran.
  Status result;

 private:
  Environment env_;
  std::optional<Connection> connection_;
  std::unique_ptr<ApiClient> client_;
};

// The libcurl-backed client for a connection.
Result<std::unique_ptr<ApiClient>> NewCurlClient(const Connection& connection, int verbosity,
                                                 std::ostream& log);

}  // namespace berth::cli
