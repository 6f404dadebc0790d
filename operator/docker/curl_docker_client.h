// The DockerClient over the Engine API with libcurl: a Unix socket
// ("unix:///var/run/docker.sock") or plain TCP ("tcp://host:2375", no TLS).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "operator/common/result.h"
#include "operator/docker/docker_client.h"

namespace berth::docker {

struct CurlClientOptions {
  // Timeout of a short call (inspect, create, list, …). Long calls (pull, wait,
  // exec, logs follow, events) take their own.
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds connect_timeout{5000};
  // Easy handles kept for reuse (each keeps its keep-alive connection).
  size_t max_idle_handles = 8;
  // Newest API version berth speaks; the engine's, if older, wins.
  std::string max_api_version = "1.41";
  // Called once per HTTP request sent to the engine, from the calling thread
  // (e.g. to count them in a metric). Must be thread-safe and cheap.
  std::function<void()> on_request;
};

// Parses the endpoint ("unix:///path", "/path", "tcp://host:port",
// "http://host:port"); BadRequest for anything else (https is not supported).
// The engine is not contacted: the API version is negotiated on first use.
Result<std::unique_ptr<DockerClient>> NewCurlDockerClient(const std::string& endpoint,
                                                          CurlClientOptions options = {});

}  // namespace berth::docker
