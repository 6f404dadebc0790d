// Container lifecycle: list, inspect, create, start, stop, kill, restart, remove.
#include <string>

#include "operator/docker/curl_client.h"
#include "operator/docker/engine_json.h"

namespace berth::docker::internal {

using nlohmann::json;

namespace {
std::chrono::milliseconds StopCallTimeout(std::chrono::seconds grace,
                                          std::chrono::milliseconds request_timeout) {
  // The engine answers only after the grace period (and the kill) are over.
  return std::chrono::duration_cast<std::chrono::milliseconds>(grace) + request_timeout;
}
}  // namespace

Result<std::vector<ContainerSummary>> CurlDockerClient::ListContainers(const LabelFilter& labels) {
  std::string path =
      "/containers/json" + Query().Add("all", "1").Add("filters", EncodeLabelFilters(labels)).str();
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", path));
  return DecodeContainerList(j);
}

Result<ContainerInfo> CurlDockerClient::InspectContainer(const std::string& id_or_name) {
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", "/containers/" + Seg(id_or_name) + "/json"));
  return DecodeContainerInfo(j);
}

Result<std::string> CurlDockerClient::CreateContainer(const ContainerSpec& spec) {
  std::string path = "/containers/create" + Query().Add("name", spec.name).str();
  BERTH_ASSIGN_OR_RETURN(json j, Json("POST", path, EncodeContainerCreate(spec).dump()));
  std::string id = j.is_object() && j.contains("Id") && j["Id"].is_string()
                       ? j["Id"].get<std::string>()
                       : std::string();
  if (id.empty()) return Status::Internal("docker engine: container create returned no Id");
  for (size_t i = 1; i < spec.networks.size(); ++i) {
    const auto& n = spec.networks[i];
    // The engine accepts a connect of a created container to a network that
    // does not exist (and fails only at start); check it exists first.
    Status st = InspectNetwork(n.network).status();
    if (st.ok()) st = ConnectNetwork(n.network, id, n.aliases);
    if (!st.ok()) {
      // Leave nothing half-made behind: the caller will create it again.
      (void)RemoveContainer(id, true, true);
      return st.Prefixed("joining network " + n.network);
    }
  }
  return id;
}

Status CurlDockerClient::StartContainer(const std::string& id) {
  return NoContent("POST", "/containers/" + Seg(id) + "/start", "", /*not_modified_ok=*/true);
}

Status CurlDockerClient::StopContainer(const std::string& id, std::chrono::seconds timeout) {
  std::string path =
      "/containers/" + Seg(id) + "/stop" + Query().Add("t", std::to_string(timeout.count())).str();
  return NoContent("POST", path, "", /*not_modified_ok=*/true,
                   StopCallTimeout(timeout, options_.request_timeout));
}

Status CurlDockerClient::KillContainer(const std::string& id, const std::string& signal) {
  std::string path = "/containers/" + Seg(id) + "/kill" + Query().Add("signal", signal).str();
  return NoContent("POST", path);
}

Status CurlDockerClient::RestartContainer(const std::string& id, std::chrono::seconds timeout) {
  std::string path = "/containers/" + Seg(id) + "/restart" +
                     Query().Add("t", std::to_string(timeout.count())).str();
  return NoContent("POST", path, "", false, StopCallTimeout(timeout, options_.request_timeout));
}

Status CurlDockerClient::RemoveContainer(const std::string& id, bool force, bool volumes) {
  std::string path = "/containers/" + Seg(id) +
                     Query().Add("force", force ? "1" : "").Add("v", volumes ? "1" : "").str();
  return NoContent("DELETE", path);
}

}  // namespace berth::docker::internal
