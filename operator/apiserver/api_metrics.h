// ApiMetrics: what the API server counts, rendered at /metrics in the
// Prometheus text format. No label ever carries object data: verb, resource
// (plural or an endpoint family) and HTTP code only. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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

// ApiMetrics recorded into the process-wide metrics registry
// (runtime::Metrics::Global()), so /metrics also shows the controllers'.
std::unique_ptr<ApiMetrics> NewApiMetrics();

}  // namespace berth::apiserver
