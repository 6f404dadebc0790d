// The Stack log subresource: `GET .../stacks/NAME/log?service=S` streams the
// log of the service's container.
#pragma once

#include "operator/apiserver/log_source.h"
#include "operator/docker/docker_client.h"
#include "operator/registry/registry.h"

namespace berth::controllers {

class StackLogs : public apiserver::LogSource {
 public:
  StackLogs(registry::Registry& registry, docker::DockerClient& docker)
      : registry_(registry), docker_(docker) {}
  Status Stream(const api::ObjectRef& ref, const std::string& service, bool follow, int tail_lines,
                const std::function<bool(std::string_view chunk)>& sink) override;

 private:
  registry::Registry& registry_;
  docker::DockerClient& docker_;
};

}  // namespace berth::controllers
