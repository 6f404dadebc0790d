#include "controllers/router/nginx_conf.h"

#include <cctype>
#include <vector>

#include "operator/api/meta.h"
#include "operator/common/strings.h"

namespace berth::router {
namespace {

bool SafeToken(std::string_view s, bool allow_underscore) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
              (allow_underscore && c == '_');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string RouteFileName(std::string_view ns, std::string_view slug) {
  return std::string(ns) + "-" + std::string(slug) + ".conf";
}

Result<std::string> RenderServerBlock(const RouteSpec& r) {
  std::vector<FieldCause> causes;
  if (!SafeToken(r.server_name, false)) {
    causes.push_back({"server_name", "\"" + r.server_name + "\" is not a host name"});
  }
  if (!SafeToken(r.upstream_host, true)) {
    causes.push_back({"upstream", "\"" + r.upstream_host + "\" is not a container name"});
  }
  if (r.upstream_port < 1 || r.upstream_port > 65535) {
    causes.push_back({"port", std::to_string(r.upstream_port) + " is not a port"});
  }
  if (r.listen_port < 1 || r.listen_port > 65535) {
    causes.push_back({"listenPort", std::to_string(r.listen_port) + " is not a port"});
  }
  if (r.owner.find('\n') != std::string::npos) causes.push_back({"owner", "contains a newline"});
  if (!causes.empty()) return Status::Invalid("cannot render the route", causes);

  std::string upstream = r.upstream_host + ":" + std::to_string(r.upstream_port);
  std::string o;
  o += std::string(kRouteMarker) + " Instance " + r.owner + "\n";
  o += "# Written by berth; rewritten on every change and removed with the Instance.\n";
  o += "server {\n";
  o += "    listen " + std::to_string(r.listen_port) + ";\n";
  o += "    server_name " + r.server_name + ";\n\n";
  o += "    location / {\n";
  // A variable makes nginx resolve the container when a request comes (through
  // the resolver in 00-berth-common.conf), not at load time: a missing
  // container then fails only its own host, never `nginx -t` or a reload.
  o += "        set $berth_upstream " + upstream + ";\n";
  o += "        proxy_pass http://$berth_upstream;\n";
  o += "        proxy_http_version 1.1;\n";
  o += "        proxy_set_header Host $host;\n";
  o += "        proxy_set_header X-Real-IP $remote_addr;\n";
  o += "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n";
  o += std::string("        proxy_set_header X-Forwarded-Proto ") +
       (r.https ? "https" : "$scheme") + ";\n";
  o += "        proxy_set_header Upgrade $http_upgrade;\n";
  o += "        proxy_set_header Connection $berth_connection_upgrade;\n";
  if (r.streaming) {
    o += "\n        # streaming: server-sent events and token streams pass unbuffered\n";
    o += "        proxy_buffering off;\n";
    o += "        proxy_request_buffering off;\n";
    o += "        proxy_read_timeout 3600s;\n";
    o += "        proxy_send_timeout 3600s;\n";
    o += "        proxy_set_header X-Accel-Buffering no;\n";
    o += "        add_header X-Accel-Buffering no always;\n";
    o += "        chunked_transfer_encoding on;\n";
  }
  if (!r.extra.empty()) {
    o += "\n        # routeConfig of the template\n";
    for (const std::string& line : Split(r.extra, '\n')) {
      std::string_view t = Trim(line);
      if (!t.empty()) o += "        " + std::string(t) + "\n";
    }
  }
  o += "    }\n";
  o += "}\n";
  return o;
}

std::string RenderCommonConf(int listen_port) {
  std::string port = std::to_string(listen_port);
  std::string o;
  o += std::string(kRouteMarker) + " shared settings of berth's Instance routes\n";
  o += "# Written by berth; defined once here because nginx allows them once per http block.\n";
  o += "map $http_upgrade $berth_connection_upgrade {\n";
  o += "    default upgrade;\n";
  o += "    ''      close;\n";
  o += "}\n\n";
  o += "# Docker's embedded DNS: Instance containers are found by name per request.\n";
  o += "resolver 127.0.0.11 valid=5s ipv6=off;\n";
  o += "resolver_timeout 5s;\n\n";
  o += "# Hosts without an Instance get 404, never some Instance's page.\n";
  o += "server {\n";
  o += "    listen " + port + " default_server;\n";
  o += "    server_name _;\n";
  o += "    return 404;\n";
  o += "}\n";
  return o;
}

bool IsBerthFile(std::string_view content) {
  return content.starts_with(kRouteMarker);
}

bool LooksLikeRouteFile(std::string_view name, std::string_view ns) {
  if (name == kCommonFile) return false;
  std::string prefix = std::string(ns) + "-";
  if (!name.starts_with(prefix) || !name.ends_with(".conf")) return false;
  std::string_view label = name.substr(prefix.size(), name.size() - prefix.size() - 5);
  return api::CheckDnsLabel(label).empty();
}

std::string NginxErrorSummary(std::string_view output) {
  std::vector<std::string> keep;
  for (const std::string& line : Split(output, '\n', /*skip_empty=*/true)) {
    std::string_view l = Trim(line);
    if (l.starts_with("nginx: ")) l.remove_prefix(7);
    if (l.find("[emerg]") != std::string_view::npos || l.find("[crit]") != std::string_view::npos ||
        l.find("[alert]") != std::string_view::npos) {
      keep.emplace_back(l);
    }
  }
  if (keep.empty()) return std::string(Trim(output));
  return Join(keep, "; ");
}

}  // namespace berth::router
