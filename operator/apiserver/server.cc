// Server: authentication, routing to the handlers, metrics and access log.
#include "operator/apiserver/server.h"

#include <chrono>

#include "operator/apiserver/handlers.h"
#include "operator/apiserver/listener.h"
#include "operator/common/log.h"
#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

Response Unauthorized() {
  return ErrorResponse(Status::Unauthorized("Unauthorized"));
}

Response Forbidden(const User& user, const std::string& verb, const std::string& what) {
  return ErrorResponse(Status::Forbidden("user \"" + user.name + "\" (role " +
                                         std::string(RoleName(user.role)) + ") cannot " + verb +
                                         " " + what));
}

bool IsHealthPath(const std::vector<std::string>& s) {
  return s.size() == 1 &&
         (s[0] == "healthz" || s[0] == "livez" || s[0] == "readyz" || s[0] == "metrics");
}

}  // namespace

Server::Server(registry::Registry& registry, TokenStore& tokens, ServerOptions options)
    : registry_(registry),
      tokens_(tokens),
      options_(std::move(options)),
      metrics_(NewApiMetrics(options_.metrics != nullptr ? *options_.metrics
                                                         : runtime::Metrics::Global())),
      ctx_(std::make_unique<Context>(Context{registry_, tokens_, *metrics_, options_, nullptr})) {}

Server::~Server() {
  Stop();
}

void Server::AddRoutes(std::string prefix, RoleSet roles, Handler handler) {
  routes_.push_back({std::move(prefix), std::move(roles), std::move(handler)});
}

void Server::AddReadinessCheck(std::string name, std::function<Status()> check) {
  readiness_.emplace_back(std::move(name), std::move(check));
}

void Server::SetLogSource(std::shared_ptr<LogSource> source) {
  log_source_ = std::move(source);
  ctx_->log_source = log_source_.get();
}

Status Server::Start() {
  Listener::Options lo;
  BERTH_RETURN_IF_ERROR(ParseListenAddress(options_.listen, &lo.host, &lo.port));
  lo.tls_cert = options_.tls_cert;
  lo.tls_key = options_.tls_key;
  lo.max_stream_backlog = options_.max_stream_backlog;
  listener_ = std::make_unique<Listener>(lo, [this](Request& req) { return Handle(req); });
  Status st = listener_->Open();
  if (!st.ok()) {
    listener_.reset();
    return st;
  }
  port_ = listener_->port();
  spdlog::info("API server listening on {}", url());
  return Status::Ok();
}

void Server::Stop() {
  if (!listener_) return;
  listener_->Close();
  listener_.reset();
  spdlog::info("API server stopped");
}

std::string Server::url() const {
  std::string host, scheme = options_.tls_cert.empty() ? "http" : "https";
  int port = 0;
  if (!ParseListenAddress(options_.listen, &host, &port).ok()) host = "127.0.0.1";
  if (host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return scheme + "://" + host + ":" + std::to_string(port_);
}

size_t Server::open_streams() const {
  return listener_ ? listener_->open_streams() : 0;
}

Response Server::Handle(Request& req) {
  auto start = std::chrono::steady_clock::now();
  RouteInfo info;
  Response r;
  try {
    r = Route(req, info);
  } catch (const nlohmann::json::exception& e) {
    r = ErrorResponse(Status::BadRequest(std::string("malformed request: ") + e.what()));
  } catch (const std::exception& e) {
    spdlog::error("{} {}: unexpected exception: {}", req.method, req.path, e.what());
    r = ErrorResponse(Status::Internal("internal error"));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_->ObserveRequest(info.verb, info.resource, r.code, secs, !r.stream);
  bool quiet = IsHealthPath(req.segments) || !options_.access_log;
  // Never the query string (reveal=...) or the body: method, path, code, time, user.
  auto level = quiet ? spdlog::level::debug : spdlog::level::info;
  spdlog::log(level, "{} {} {} {:.1f}ms user={}{}", req.method, req.path, r.code, secs * 1000,
              req.user.name.empty() ? "-" : req.user.name, r.stream ? " (stream)" : "");
  return r;
}

Response Server::Route(Request& req, RouteInfo& info) {
  const auto& s = req.segments;
  if (IsHealthPath(s)) return Health(req, info);
  if (s.size() == 1 && s[0] == "version") {
    info = {"get", "version"};
    return ServeVersion(req);
  }

  std::string auth = req.Header("authorization");
  if (!StartsWith(auth, "Bearer ") && !StartsWith(auth, "bearer ")) return Unauthorized();
  auto user = tokens_.Authenticate(Trim(auth.substr(7)));
  if (!user.ok()) {
    if (user.status().code() == Code::kUnauthorized) return Unauthorized();
    return ErrorResponse(user.status());  // the store is down: 503
  }
  req.user = *user;

  for (const ExtraRoute& route : routes_) {
    if (!StartsWith(req.path, route.prefix)) continue;
    info = {ToLower(req.method), Trim(route.prefix).empty() ? "other" : route.prefix};
    if (route.roles.count(req.user.role) == 0) return Forbidden(req.user, "use", route.prefix);
    return route.handler(req);
  }
  if (req.user.role == Role::kProvisioner) return Forbidden(req.user, "access", req.path);

  if (s.size() >= 3 && s[0] == "auth" && s[1] == "v1" && s[2] == "tokens") {
    if (req.user.role != Role::kAdmin) return Forbidden(req.user, "manage", "tokens");
    return ServeTokens(*ctx_, req, info);
  }
  if (!s.empty() && (s[0] == "api" || s[0] == "apis") &&
      (s.size() <= 2 || (s[0] == "apis" && s.size() == 3 && s[1] == api::kGroup))) {
    info = {"get", "discovery"};
    if (req.method != "GET") return ErrorResponse(405, "MethodNotAllowed", "method not allowed");
    return ServeDiscovery(*ctx_, req);
  }
  if (!s.empty() && s[0] == "openapi") {
    info = {"get", "openapi"};
    return ServeOpenApi(*ctx_, req);
  }
  if (s.size() > 3 && s[0] == "apis" && s[1] == api::kGroup && s[2] == api::kVersion) {
    auto path =
        ParseResourcePath(registry_.catalog(), std::vector<std::string>(s.begin() + 3, s.end()));
    if (!path.ok()) return ErrorResponse(path.status());
    info.resource = path->kind->plural;
    if (!path->subresource.empty()) info.resource += "/" + path->subresource;
    std::string verb = VerbOf(req, *path);
    if (verb.empty()) {
      return ErrorResponse(405, "MethodNotAllowed",
                           "method " + req.method + " is not allowed on " + req.path);
    }
    info.verb = verb;
    if (!RoleAllows(req.user.role, verb)) {
      std::string what = "resource \"" + info.resource + "\" in API group \"berth.dev\"";
      if (!path->ns.empty()) what += " in the namespace \"" + path->ns + "\"";
      return Forbidden(req.user, verb, what);
    }
    if (req.QueryFlag("reveal") && req.user.role != Role::kAdmin) {
      return Forbidden(req.user, "reveal", "Secret values (admins only)");
    }
    if (path->subresource == "log") return ServeLog(*ctx_, req, *path);
    if (verb == "get") return ServeGet(*ctx_, req, *path);
    if (verb == "list") return ServeList(*ctx_, req, *path);
    if (verb == "watch") return ServeWatch(*ctx_, req, *path);
    if (verb == "create") return ServeCreate(*ctx_, req, *path);
    if (verb == "update") return ServeUpdate(*ctx_, req, *path);
    if (verb == "patch") return ServePatch(*ctx_, req, *path);
    if (verb == "delete") return ServeDelete(*ctx_, req, *path);
    return ServeDeleteCollection(*ctx_, req, *path);
  }
  return ErrorResponse(Status::NotFound("the server could not find the requested resource"));
}

Response Server::Health(const Request& req, RouteInfo& info) {
  const std::string& what = req.segments[0];
  info = {"get", what};
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  if (what == "healthz" || what == "livez") {
    r.body = "ok";
    return r;
  }
  if (what == "metrics") {
    auto rev = registry_.store().CurrentRevision();
    if (rev.ok()) metrics_->SetStoreRevision(*rev);
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_->Render();
    return r;
  }
  // readyz: the store, then every registered check.
  std::string report;
  bool ready = true;
  auto check = [&](const std::string& name, const Status& st) {
    if (st.ok()) {
      report += "[+]" + name + " ok\n";
    } else {
      ready = false;
      report += "[-]" + name + " failed: " + st.message() + "\n";
    }
  };
  check("store", registry_.store().Ping());
  for (const auto& [name, fn] : readiness_) check(name, fn());
  r.code = ready ? 200 : 503;
  r.body = report + (ready ? "readyz check passed\n" : "readyz check failed\n");
  return r;
}

}  // namespace berth::apiserver
