// ApiMetrics: what the API server counts, rendered at /metrics in the
// Prometheus text format. No label ever carries object data: verb, resource
// (plural or an endpoint family) and HTTP code only. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "operator/runtime/metrics.h"

namespace berth::apiserver {

class ApiMetrics {
 public:
  virtual ~ApiMetrics() = default;
  // One finished request (for streams: one started stream, latency 0 is not
  // observed).
  virtual void ObserveRequest(std::string_view verb, std::string_view resource, int code,
                              double seconds, bool observe_latency) = 0;
  virtual void WatchOpened() = 0;
  virtual void WatchClosed() = 0;
  virtual int64_t OpenWatches() const = 0;
  virtual void SetStoreRevision(int64_t revision) = 0;
  // Every metric berth has (the API server's and the process-wide registry's).
  virtual std::string Render() const = 0;
};

// ApiMetrics recorded into `registry` (which must outlive it); with
// runtime::Metrics::Global(), /metrics also shows the controllers' metrics.
std::unique_ptr<ApiMetrics> NewApiMetrics(runtime::Metrics& registry);

}  // namespace berth::apiserver
