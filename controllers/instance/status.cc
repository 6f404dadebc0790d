#include "controllers/instance/status.h"

#include "operator/api/meta.h"

namespace berth::instance {
namespace {

using api::Json;

struct Phase {
  std::string phase;
  std::string ready_reason;
  std::string ready_message;
};

std::string FailingMessage(const Observation& o) {
  return "container " + o.container_name + " exited with code " + std::to_string(o.exit_code) +
         " and Docker is restarting it";
}

// Degraded: every problem of a running Instance, most pressing first.
api::Condition DegradedCondition(const Observation& o) {
  std::vector<std::pair<std::string, std::string>> problems;  // reason, message
  bool can_run = o.failed_reason.empty() && o.pending_reason.empty();
  if (can_run && o.restarting) problems.emplace_back("ContainerFailing", FailingMessage(o));
  if (can_run && o.running && o.health == "unhealthy") {
    problems.emplace_back("Unhealthy", "container " + o.container_name + " fails its health check");
  }
  if (can_run && o.route == RouteState::kRejected) {
    problems.emplace_back("RouteRejected",
                          "nginx refused the route (the router keeps its previous "
                          "configuration): " +
                              o.route_message);
  }
  if (!o.provider.empty() && !o.configured) {
    problems.emplace_back("ProviderNotConfigured", o.config_message);
  }
  if (problems.empty()) return {"Degraded", "False", "AsExpected", "", o.generation};
  std::string message;
  for (const auto& [reason, why] : problems) message += (message.empty() ? "" : "; ") + why;
  return {"Degraded", "True", problems.front().first, message, o.generation};
}

Phase PhaseOf(const Observation& o) {
  if (!o.failed_reason.empty()) return {"Failed", o.failed_reason, o.failed_message};
  if (!o.pending_reason.empty()) return {"Pending", o.pending_reason, o.pending_message};
  if (o.restarting) return {"Degraded", "ContainerFailing", FailingMessage(o)};
  if (!o.running) {
    return {"Provisioning", "ContainerNotRunning",
            "container " + o.container_name + " is starting"};
  }
  if (o.health == "starting") {
    return {"Provisioning", "HealthCheckStarting", "waiting for the first passing health check"};
  }
  if (o.health == "unhealthy") {
    return {"Degraded", "Unhealthy", "container " + o.container_name + " fails its health check"};
  }
  switch (o.route) {
    case RouteState::kRejected:
      return {"Degraded", "RouteRejected", "nginx refused the route: " + o.route_message};
    case RouteState::kUnavailable: return {"Provisioning", "RouterUnavailable", o.route_message};
    case RouteState::kRouted: break;
    default: return {"Provisioning", "NotRouted", "waiting for the router"};
  }
  if (!o.configured) return {"Degraded", "ProviderNotConfigured", o.config_message};
  return {"Ready", "Ready", "serving at " + o.url};
}

}  // namespace

bool IsReady(const Observation& o) {
  return PhaseOf(o).phase == "Ready";
}

Json BuildStatus(const Json& previous, const Observation& o,
                 std::chrono::system_clock::time_point now) {
  Json st = previous.is_object() ? previous : Json::object();
  st["observedGeneration"] = o.generation;
  auto set_or_erase = [&](const char* key, const std::string& v) {
    if (v.empty())
      st.erase(key);
    else
      st[key] = v;
  };
  set_or_erase("url", o.url);
  set_or_erase("host", o.host);
  set_or_erase("containerID", o.container_id);
  set_or_erase("containerName", o.container_name);
  set_or_erase("dataDir", o.data_dir);
  set_or_erase("configHash", o.config_hash);
  set_or_erase("routerFile", o.router_file);
  set_or_erase("rejectedRouteHash", o.route == RouteState::kRejected ? o.rejected_route_hash : "");

  Phase p = PhaseOf(o);
  st["phase"] = p.phase;
  bool ready = p.phase == "Ready";
  api::SetCondition(
      st, {"Ready", ready ? "True" : "False", p.ready_reason, p.ready_message, o.generation}, now);

  api::Condition routed{"Routed", "False", "NotRouted", "", o.generation};
  switch (o.route) {
    case RouteState::kRouted:
      routed = {"Routed", "True", "Routed", o.host + " is routed to " + o.container_name,
                o.generation};
      break;
    case RouteState::kRejected:
      routed.reason = "RouteRejected";
      routed.message = "nginx -t refused " + o.router_file +
                       "; the router keeps its previous configuration: " + o.route_message;
      break;
    case RouteState::kUnavailable:
      routed.reason = "RouterUnavailable";
      routed.message = o.route_message;
      break;
    case RouteState::kWaiting:
      routed.reason = "NotReady";
      routed.message = "routed once the container is ready";
      break;
    case RouteState::kUnknown: routed.message = "not routed"; break;
  }
  api::SetCondition(st, routed, now);

  api::Condition configured{"Configured", "True", "NoProvider",
                            "no Provider set; the Instance runs without model credentials",
                            o.generation};
  if (!o.provider.empty()) {
    configured = o.configured
                     ? api::Condition{"Configured", "True", "ProviderConfigured",
                                      "config written from Provider " + o.provider, o.generation}
                     : api::Condition{"Configured", "False", "ProviderNotReady", o.config_message,
                                      o.generation};
  }
  api::SetCondition(st, configured, now);
  api::SetCondition(st, DegradedCondition(o), now);
  return st;
}

}  // namespace berth::instance
