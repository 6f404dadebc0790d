// The nginx files berth writes into a router's conf.d directory: one server
// block per routed Instance (<namespace>-<slug>.conf) and one shared file
// (00-berth-common.conf) with what nginx allows only once per http block.
// Pure functions; the inputs come from the Stack's router and the Instance.
#pragma once

#include <string>
#include <string_view>

#include "operator/common/result.h"

namespace berth::router {

// The shared file: the websocket `map` ($berth_connection_upgrade), the
// Docker DNS resolver (upstreams are looked up when a request comes, so a
// missing Instance container never fails `nginx -t` or a reload), and a
// default server answering 404 for unknown hosts on the listen port.
inline constexpr const char* kCommonFile = "00-berth-common.conf";

// First line of every file berth writes; the resync only ever removes files
// that start with it.
inline constexpr std::string_view kRouteMarker = "# berth.dev route:";

struct RouteSpec {
  std::string owner;          // "beaver/alice-1f2e3d4c5b": shown in the marker line
  std::string server_name;    // alice.localhost
  std::string upstream_host;  // the Instance's container name
  int upstream_port = 0;      // the template's port
  int listen_port = 80;       // where nginx listens inside the router container
  bool streaming = true;      // no buffering, hour-long timeouts (SSE, token streams)
  bool https = false;         // public scheme https: X-Forwarded-Proto https
  std::string extra;          // the template's routeConfig, added to the location
};

// "<ns>-<slug>.conf".
std::string RouteFileName(std::string_view ns, std::string_view slug);

// The server block for one Instance. Invalid when a name or port could not
// be written into nginx syntax safely (spaces, ';', braces, quotes, ...).
Result<std::string> RenderServerBlock(const RouteSpec& route);

// The content of kCommonFile for a router listening on `listen_port`.
std::string RenderCommonConf(int listen_port);

// True when `content` was written by berth (starts with the marker line).
bool IsBerthFile(std::string_view content);

// True when `name` could be a route file of namespace `ns`: "<ns>-<label>.conf"
// with a DNS label after the prefix. Never true for kCommonFile.
bool LooksLikeRouteFile(std::string_view name, std::string_view ns);

// The lines of `nginx -t` output that say what is wrong ("[emerg] ..."),
// without the "nginx: " prefixes; the whole output trimmed when none match.
std::string NginxErrorSummary(std::string_view output);

}  // namespace berth::router
