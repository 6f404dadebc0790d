// Translation between berth's Docker value types and the Engine API's JSON.
// Pure functions (no I/O), unit-tested on canned engine responses. Decoders
// tolerate null and missing fields; a body of the wrong shape is Internal.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"
#include "operator/docker/types.h"

namespace berth::docker {

// Body of POST /containers/create. Only spec.networks[0] goes into
// NetworkingConfig (API 1.41 takes one endpoint at create time).
nlohmann::json EncodeContainerCreate(const ContainerSpec& spec);
// The `filters` query value for label filters: {"label":["a=b","c"]}.
std::string EncodeLabelFilters(const LabelFilter& labels);
// The `filters` query value of EventsOptions.
std::string EncodeFilters(const std::map<std::string, std::vector<std::string>>& filters);
// X-Registry-Auth header value: base64url of {username,password,serveraddress}.
std::string EncodeRegistryAuth(const RegistryAuth& auth);

// "1.41" style comparison; returns the older of the engine's and berth's newest.
std::string NegotiateApiVersion(std::string_view engine, std::string_view max);

Result<VersionInfo> DecodeVersion(const nlohmann::json& j);
Result<std::vector<ContainerSummary>> DecodeContainerList(const nlohmann::json& j);
Result<ContainerInfo> DecodeContainerInfo(const nlohmann::json& j);
Result<NetworkInfo> DecodeNetwork(const nlohmann::json& j);
Result<VolumeInfo> DecodeVolume(const nlohmann::json& j);
Result<ImageInfo> DecodeImage(const nlohmann::json& j);
Result<Event> DecodeEvent(const nlohmann::json& j);
// One pull progress line; a line carrying "error"/"errorDetail" becomes the
// Status it describes (NotFound, Unauthorized or Internal).
Result<PullProgress> DecodePullLine(const nlohmann::json& j);

// The engine's error body {"message": "..."} (or the raw text) for an HTTP
// status, as a Status with berth's code for it.
Status StatusFromHttp(long http_status, std::string_view body);

}  // namespace berth::docker
