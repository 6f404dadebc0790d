// ContainerSpec and friends -> Engine API request JSON.
#include <string>

#include "operator/common/strings.h"
#include "operator/docker/engine_json.h"
#include "operator/docker/stream_codec.h"

namespace berth::docker {
namespace {

using nlohmann::json;

std::string PortKey(const PortBinding& p) {
  return std::to_string(p.container_port) + "/" + (p.protocol.empty() ? "tcp" : p.protocol);
}

const char* MountType(Mount::Type t) {
  switch (t) {
    case Mount::Type::kBind: return "bind";
    case Mount::Type::kVolume: return "volume";
    case Mount::Type::kTmpfs: return "tmpfs";
  }
  return "volume";
}

json EncodeHealthcheck(const HealthCheck& h) {
  json j = {{"Test", h.test}};
  if (h.interval.count() > 0) j["Interval"] = h.interval.count();
  if (h.timeout.count() > 0) j["Timeout"] = h.timeout.count();
  if (h.start_period.count() > 0) j["StartPeriod"] = h.start_period.count();
  if (h.retries > 0) j["Retries"] = h.retries;
  return j;
}

json EncodeHostConfig(const ContainerSpec& s) {
  json hc = json::object();
  if (!s.ports.empty()) {
    json bindings = json::object();
    for (const auto& p : s.ports) {
      if (p.host_port == 0 && p.host_ip.empty()) continue;  // exposed only
      bindings[PortKey(p)].push_back(
          {{"HostIp", p.host_ip},
           {"HostPort", p.host_port > 0 ? std::to_string(p.host_port) : std::string()}});
    }
    if (!bindings.empty()) hc["PortBindings"] = bindings;
  }
  if (!s.mounts.empty()) {
    json mounts = json::array();
    for (const auto& m : s.mounts) {
      json jm = {{"Type", MountType(m.type)}, {"Target", m.target}};
      if (m.type != Mount::Type::kTmpfs) jm["Source"] = m.source;
      if (m.read_only) jm["ReadOnly"] = true;
      mounts.push_back(std::move(jm));
    }
    hc["Mounts"] = std::move(mounts);
  }
  if (!s.restart.name.empty()) {
    hc["RestartPolicy"] = {{"Name", s.restart.name}, {"MaximumRetryCount", s.restart.max_retries}};
  }
  if (!s.extra_hosts.empty()) hc["ExtraHosts"] = s.extra_hosts;
  if (s.shm_size > 0) hc["ShmSize"] = s.shm_size;
  if (!s.runtime.empty()) hc["Runtime"] = s.runtime;
  if (!s.cap_add.empty()) hc["CapAdd"] = s.cap_add;
  if (!s.cap_drop.empty()) hc["CapDrop"] = s.cap_drop;
  if (s.init.has_value()) hc["Init"] = *s.init;
  if (!s.tmpfs.empty()) hc["Tmpfs"] = s.tmpfs;
  if (s.nano_cpus > 0) hc["NanoCpus"] = s.nano_cpus;
  if (s.memory > 0) hc["Memory"] = s.memory;
  if (!s.gpus.empty()) {
    json reqs = json::array();
    for (const auto& g : s.gpus) {
      json r = {{"Driver", g.driver}, {"Capabilities", g.capabilities}};
      if (!g.device_ids.empty()) {
        r["DeviceIDs"] = g.device_ids;
      } else {
        r["Count"] = g.count == 0 ? -1 : g.count;
      }
      reqs.push_back(std::move(r));
    }
    hc["DeviceRequests"] = std::move(reqs);
  }
  if (!s.networks.empty()) hc["NetworkMode"] = s.networks.front().network;
  return hc;
}

}  // namespace

json EncodeContainerCreate(const ContainerSpec& s) {
  json j = {{"Image", s.image}};
  if (s.cmd) j["Cmd"] = *s.cmd;
  if (s.entrypoint) j["Entrypoint"] = *s.entrypoint;
  if (!s.env.empty()) j["Env"] = s.env;
  j["Labels"] = s.labels;
  if (!s.user.empty()) j["User"] = s.user;
  if (!s.working_dir.empty()) j["WorkingDir"] = s.working_dir;
  if (!s.hostname.empty()) j["Hostname"] = s.hostname;
  if (!s.ports.empty()) {
    json exposed = json::object();
    for (const auto& p : s.ports) exposed[PortKey(p)] = json::object();
    j["ExposedPorts"] = std::move(exposed);
  }
  if (s.healthcheck) j["Healthcheck"] = EncodeHealthcheck(*s.healthcheck);
  if (s.stop_timeout) j["StopTimeout"] = *s.stop_timeout;
  if (!s.stop_signal.empty()) j["StopSignal"] = s.stop_signal;
  j["HostConfig"] = EncodeHostConfig(s);
  if (!s.networks.empty()) {
    const auto& first = s.networks.front();
    json endpoint = json::object();
    if (!first.aliases.empty()) endpoint["Aliases"] = first.aliases;
    j["NetworkingConfig"] = {{"EndpointsConfig", {{first.network, endpoint}}}};
  }
  return j;
}

std::string EncodeLabelFilters(const LabelFilter& labels) {
  if (labels.empty()) return "";
  return json{{"label", labels}}.dump();
}

std::string EncodeFilters(const std::map<std::string, std::vector<std::string>>& filters) {
  if (filters.empty()) return "";
  json j = json::object();
  for (const auto& [k, v] : filters) j[k] = v;
  return j.dump();
}

std::string EncodeRegistryAuth(const RegistryAuth& auth) {
  json j = {{"username", auth.username},
            {"password", auth.password},
            {"serveraddress", auth.server_address}};
  return Base64UrlEncode(j.dump());
}

std::string NegotiateApiVersion(std::string_view engine, std::string_view max) {
  auto parse = [](std::string_view v, int* major, int* minor) {
    auto parts = Split(v, '.');
    long long a = 0, b = 0;
    if (parts.size() != 2 || !ParseInt64(parts[0], &a) || !ParseInt64(parts[1], &b)) return false;
    *major = static_cast<int>(a);
    *minor = static_cast<int>(b);
    return true;
  };
  int ea = 0, eb = 0, ma = 0, mb = 0;
  if (!parse(engine, &ea, &eb)) return std::string(max);
  if (!parse(max, &ma, &mb)) return std::string(engine);
  bool engine_older = ea < ma || (ea == ma && eb < mb);
  return std::string(engine_older ? engine : max);
}

}  // namespace berth::docker
