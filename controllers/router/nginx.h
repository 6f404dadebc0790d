// Nginx: what berth asks of a router's nginx, run inside the router container
// (docker exec): check the configuration on disk, and reload it.
#pragma once

#include <memory>
#include <string>

#include "operator/common/status.h"
#include "operator/docker/docker_client.h"

namespace berth::router {

class Nginx {
 public:
  virtual ~Nginx() = default;
  // `nginx -t` in `container`. OK; Invalid with nginx's complaint
  // (NginxErrorSummary) when the configuration is bad; Unavailable when the
  // container is not running or the engine cannot be reached.
  virtual Status Test(const std::string& container) = 0;
  // `nginx -s reload`: the master re-reads the configuration and starts new
  // workers; old ones finish their requests. Errors as for Test.
  virtual Status Reload(const std::string& container) = 0;
};

// Runs the commands with DockerClient::Exec. `docker` must outlive it.
// Thread-safe.
std::unique_ptr<Nginx> NewDockerNginx(docker::DockerClient& docker);

}  // namespace berth::router
