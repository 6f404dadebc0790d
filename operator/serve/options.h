// Options of `berth serve`, parsed by the CLI and consumed by serve::Run.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace berth::serve {

struct Options {
  std::string data_dir;   // default: /var/lib/berth (root) or ~/.local/share/berth
  std::string store_url;  // default: sqlite://<data_dir>/berth.db
  std::string listen = "127.0.0.1:7443";
  std::string docker = "unix:///var/run/docker.sock";
  std::string tls_cert;  // PEM; with tls_key, serve HTTPS
  std::string tls_key;
  std::string log_level = "info";
  std::string identity;      // leader-election identity; default hostname-pid
  bool leader_elect = true;  // two servers on one store: one reconciles
  bool controllers = true;   // false: API only (tests of the API layer)
  int workers = 4;           // reconcile workers per controller
  int api_threads = 16;      // cpprest pool threads serving API requests
  // The provisioning API (/provision/v1/): the namespace its Instances live
  // in, the template used when a request names none ("<stack>/<template>").
  std::string provision_namespace = "default";
  std::string provision_template;
  // The most Instances a namespace may hold (0: no limit): instance_quota
  // for every namespace but those in instance_quotas (namespace -> limit).
  int instance_quota = 0;
  std::map<std::string, int> instance_quotas;
  // How often every cached object is reconciled again although nothing
  // changed (informer resync); 0 never.
  std::chrono::milliseconds resync_period = std::chrono::minutes(5);
};

// The data dir berth uses when none is given.
std::string DefaultDataDir();
// "http://127.0.0.1:7443": the server a CLI talks to when nothing else is configured.
std::string DefaultServer();

// Runs the API server and the controllers until SIGTERM/SIGINT. Returns the
// process exit code. Writes <data_dir>/admin.token (0600) on first start.
int Run(const Options& options);

}  // namespace berth::serve
