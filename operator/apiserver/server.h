// Server: berth's Kubernetes-shaped HTTP API (see docs/api.md).
//
// - Discovery (/api, /apis, /apis/berth.dev[/v1alpha1], /version, /openapi/v2,
//   /openapi/v3), objects under /apis/berth.dev/v1alpha1/... with every verb
//   kubectl uses (get, list, watch, create, update, patch, delete,
//   deletecollection, the /status subresource), Table output, watch streams
//   with BOOKMARKs, token management under /auth/v1/tokens, and the Stack log
//   subresource when a LogSource is set.
// - Every request but /healthz, /readyz, /livez, /metrics and /version needs
//   a bearer token (401 without, 403 when its role may not do it). Errors are
//   Kubernetes Status objects.
// - All object reads and writes go through the Registry; Secrets read
//   redacted unless an admin asks ?reveal=true.
// - Handlers run on cpprest's thread pool; streamed responses (watch, logs)
//   each get their own thread, so open watches never hold a pool thread.
// Configure (AddRoutes, AddReadinessCheck, SetLogSource) before Start.
// Start/Stop are not thread-safe against each other; everything else is.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/apiserver/api_metrics.h"
#include "operator/apiserver/auth.h"
#include "operator/apiserver/http.h"
#include "operator/apiserver/log_source.h"
#include "operator/common/result.h"
#include "operator/registry/registry.h"

namespace berth::apiserver {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see Server::port()).
  std::string listen = "127.0.0.1:7443";
  // PEM files; both set: HTTPS.
  std::string tls_cert;
  std::string tls_key;
  // A watch with nothing to say writes a newline this often, which is also
  // how a vanished client is noticed.
  std::chrono::milliseconds watch_heartbeat{5000};
  // How often a watch with allowWatchBookmarks=true gets a BOOKMARK.
  std::chrono::milliseconds bookmark_interval{60000};
  // Upper bound (and default) for a watch's timeoutSeconds.
  std::chrono::seconds max_watch_duration{1800};
  // A streamed response whose unsent bytes exceed this is ended (slow client).
  size_t max_stream_backlog = 64 << 20;
  // Access log lines at info level (off: debug).
  bool access_log = true;
  // The registry /metrics renders and the server records into;
  // runtime::Metrics::Global() when null. Must outlive the server.
  runtime::Metrics* metrics = nullptr;
};

// The version berth reports at /version: "v1.27.0-berth.<berth version>".
std::string ServerGitVersion();

class Listener;
struct RouteInfo;  // handlers.h
struct Context;    // handlers.h

class Server {
 public:
  // `registry` and `tokens` must outlive the server.
  Server(registry::Registry& registry, TokenStore& tokens, ServerOptions options);
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves every request whose path starts with `prefix` (e.g.
  // "/provision/v1/") with `handler`, for callers holding one of `roles`
  // (others: 403; no token: 401).
  void AddRoutes(std::string prefix, RoleSet roles, Handler handler);
  // /readyz answers 200 only when the store answers and every check is OK.
  void AddReadinessCheck(std::string name, std::function<Status()> check);
  // Enables GET .../stacks/{name}/log.
  void SetLogSource(std::shared_ptr<LogSource> source);

  // Binds and starts serving. Unavailable when the address cannot be bound;
  // BadRequest for a bad listen address or unreadable TLS files.
  Status Start();
  // Stops accepting, ends every stream (watches, logs) and waits for their
  // threads, then closes the listener. Idempotent.
  void Stop();

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" (https with TLS).
  std::string url() const;
  ApiMetrics& metrics() { return *metrics_; }
  // Streamed responses (watches, logs) whose threads are still running.
  size_t open_streams() const;

  // Handles one request (authentication, routing, metrics, access log).
  // The listener calls this; tests may too.
  Response Handle(Request& req);

 private:
  struct ExtraRoute {
    std::string prefix;
    RoleSet roles;
    Handler handler;
  };
  Response Route(Request& req, RouteInfo& info);
  Response Health(const Request& req, RouteInfo& info);

  registry::Registry& registry_;
  TokenStore& tokens_;
  ServerOptions options_;
  std::unique_ptr<ApiMetrics> metrics_;
  std::unique_ptr<Context> ctx_;
  std::vector<ExtraRoute> routes_;
  std::vector<std::pair<std::string, std::function<Status()>>> readiness_;
  std::shared_ptr<LogSource> log_source_;
  std::unique_ptr<Listener> listener_;
  int port_ = 0;
};

}  // namespace berth::apiserver
