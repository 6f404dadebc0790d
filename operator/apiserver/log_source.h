// LogSource: where the API server reads the logs of a Stack's service for
// GET .../stacks/{name}/log. Implemented by the Stack controller's side (it
// knows which container runs a service); the API server only streams.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "operator/api/object.h"
#include "operator/common/status.h"

namespace berth::apiserver {

class LogSource {
 public:
  virtual ~LogSource() = default;
  // Streams the log of `service` of the object `ref` to `sink`, oldest first:
  // the last `tail_lines` lines (-1: all), then, with `follow`, new output
  // until `sink` returns false (client gone) or the container stops. Returns
  // NotFound for an unknown object or service. Called on a dedicated thread;
  // may block.
  virtual Status Stream(const api::ObjectRef& ref, const std::string& service, bool follow,
                        int tail_lines,
                        const std::function<bool(std::string_view chunk)>& sink) = 0;
};

}  // namespace berth::apiserver
