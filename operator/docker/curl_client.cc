// Engine calls (ping, version) and the request plumbing shared by every
// CurlDockerClient method.
#include "operator/docker/curl_client.h"

#include <exception>
#include <utility>

#include "operator/docker/engine_json.h"

namespace berth::docker {

Result<std::unique_ptr<DockerClient>> NewCurlDockerClient(const std::string& endpoint,
                                                          CurlClientOptions options) {
  BERTH_ASSIGN_OR_RETURN(auto ep, internal::ParseEndpoint(endpoint));
  return std::unique_ptr<DockerClient>(
      std::make_unique<internal::CurlDockerClient>(std::move(ep), std::move(options)));
}

namespace internal {

using nlohmann::json;

std::string Seg(std::string_view s) {
  return UrlEscape(s);
}

CurlDockerClient::CurlDockerClient(Endpoint endpoint, CurlClientOptions options)
    : http_(std::move(endpoint), options), options_(std::move(options)) {}

Status CurlDockerClient::Ping() {
  HttpRequest req;
  req.path = "/_ping";
  BERTH_ASSIGN_OR_RETURN(auto resp, http_.Do(req));
  if (resp.status != 200) return StatusFromHttp(resp.status, resp.body);
  return Status::Ok();
}

Result<VersionInfo> CurlDockerClient::Version() {
  HttpRequest req;
  req.path = "/version";  // unversioned: answered by every API version
  BERTH_ASSIGN_OR_RETURN(auto resp, http_.Do(req));
  if (resp.status != 200) return StatusFromHttp(resp.status, resp.body);
  json j;
  try {
    j = json::parse(resp.body);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("docker engine: bad /version body: ") + e.what());
  }
  BERTH_ASSIGN_OR_RETURN(VersionInfo v, DecodeVersion(j));
  v.negotiated = NegotiateApiVersion(v.api_version, options_.max_api_version);
  std::lock_guard<std::mutex> lock(mu_);
  prefix_ = "/v" + v.negotiated;
  return v;
}

Status CurlDockerClient::Negotiate() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!prefix_.empty()) return Status::Ok();
  }
  // Two threads may both negotiate at first use; both write the same prefix.
  auto v = Version();
  return v.ok() ? Status::Ok() : v.status();
}

Result<HttpResponse> CurlDockerClient::Send(HttpRequest req, const BodySink* sink) {
  BERTH_RETURN_IF_ERROR(Negotiate());
  {
    std::lock_guard<std::mutex> lock(mu_);
    req.path = prefix_ + req.path;
  }
  return http_.Do(req, sink);
}

Result<json> CurlDockerClient::Json(std::string method, std::string path, std::string body,
                                    bool not_modified_ok) {
  HttpRequest req;
  req.method = std::move(method);
  req.path = std::move(path);
  req.body = std::move(body);
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req)));
  if (resp.status == 304 && not_modified_ok) return json();
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  if (resp.body.empty()) return json();
  try {
    return json::parse(resp.body);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("docker engine: response is not JSON: ") + e.what());
  }
}

Status CurlDockerClient::NoContent(std::string method, std::string path, std::string body,
                                   bool not_modified_ok, std::chrono::milliseconds timeout) {
  HttpRequest req;
  req.method = std::move(method);
  req.path = std::move(path);
  req.body = std::move(body);
  req.timeout = timeout;
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req)));
  if (resp.status == 304 && not_modified_ok) return Status::Ok();
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  return Status::Ok();
}

}  // namespace internal
}  // namespace berth::docker
