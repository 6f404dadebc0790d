// Networks and volumes.
#include <string>

#include "operator/docker/curl_client.h"
#include "operator/docker/engine_json.h"

namespace berth::docker::internal {

using nlohmann::json;

Result<std::vector<NetworkInfo>> CurlDockerClient::ListNetworks(const LabelFilter& labels) {
  std::string path = "/networks" + Query().Add("filters", EncodeLabelFilters(labels)).str();
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", path));
  if (!j.is_array()) return Status::Internal("docker engine: network list is not an array");
  std::vector<NetworkInfo> out;
  for (const auto& n : j) {
    BERTH_ASSIGN_OR_RETURN(auto info, DecodeNetwork(n));
    out.push_back(std::move(info));
  }
  return out;
}

Result<NetworkInfo> CurlDockerClient::InspectNetwork(const std::string& id_or_name) {
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", "/networks/" + Seg(id_or_name)));
  return DecodeNetwork(j);
}

Result<std::string> CurlDockerClient::CreateNetwork(const NetworkSpec& spec) {
  json body = {{"Name", spec.name},
               {"Driver", spec.driver},
               {"Internal", spec.internal},
               {"Attachable", spec.attachable},
               {"CheckDuplicate", spec.check_duplicate},
               {"Labels", spec.labels}};
  BERTH_ASSIGN_OR_RETURN(json j, Json("POST", "/networks/create", body.dump()));
  if (!j.is_object() || !j.contains("Id") || !j["Id"].is_string()) {
    return Status::Internal("docker engine: network create returned no Id");
  }
  return j["Id"].get<std::string>();
}

Status CurlDockerClient::ConnectNetwork(const std::string& network, const std::string& container,
                                        const std::vector<std::string>& aliases) {
  json endpoint = json::object();
  if (!aliases.empty()) endpoint["Aliases"] = aliases;
  json body = {{"Container", container}, {"EndpointConfig", endpoint}};
  // 20.10 reports "already connected" as 403; berth treats it as a conflict.
  HttpRequest req;
  req.method = "POST";
  req.path = "/networks/" + Seg(network) + "/connect";
  req.body = body.dump();
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req)));
  if (resp.status >= 200 && resp.status < 300) return Status::Ok();
  Status st = StatusFromHttp(resp.status, resp.body);
  if (st.code() == Code::kForbidden && st.message().find("already exists") != std::string::npos) {
    return Status::Conflict(st.message());
  }
  return st;
}

Status CurlDockerClient::DisconnectNetwork(const std::string& network, const std::string& container,
                                           bool force) {
  json body = {{"Container", container}, {"Force", force}};
  return NoContent("POST", "/networks/" + Seg(network) + "/disconnect", body.dump());
}

Status CurlDockerClient::RemoveNetwork(const std::string& id_or_name) {
  return NoContent("DELETE", "/networks/" + Seg(id_or_name));
}

Result<std::vector<VolumeInfo>> CurlDockerClient::ListVolumes(const LabelFilter& labels) {
  std::string path = "/volumes" + Query().Add("filters", EncodeLabelFilters(labels)).str();
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", path));
  std::vector<VolumeInfo> out;
  if (!j.is_object() || !j.contains("Volumes") || !j["Volumes"].is_array()) return out;
  for (const auto& v : j["Volumes"]) {
    BERTH_ASSIGN_OR_RETURN(auto info, DecodeVolume(v));
    out.push_back(std::move(info));
  }
  return out;
}

Result<VolumeInfo> CurlDockerClient::InspectVolume(const std::string& name) {
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", "/volumes/" + Seg(name)));
  return DecodeVolume(j);
}

Result<VolumeInfo> CurlDockerClient::CreateVolume(const VolumeSpec& spec) {
  json body = {{"Name", spec.name}, {"Driver", spec.driver}, {"Labels", spec.labels}};
  if (!spec.driver_opts.empty()) body["DriverOpts"] = spec.driver_opts;
  BERTH_ASSIGN_OR_RETURN(json j, Json("POST", "/volumes/create", body.dump()));
  return DecodeVolume(j);
}

Status CurlDockerClient::RemoveVolume(const std::string& name, bool force) {
  return NoContent("DELETE",
                   "/volumes/" + Seg(name) + Query().Add("force", force ? "1" : "").str());
}

}  // namespace berth::docker::internal
