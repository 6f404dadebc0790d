// ApiMetrics recorded into a runtime::Metrics registry (by default the
// process-wide one, so /metrics shows the controllers' metrics too).
#include "operator/apiserver/api_metrics.h"

#include <atomic>
#include <string>

namespace berth::apiserver {
namespace {

constexpr const char* kRequests = "berth_apiserver_requests_total";
constexpr const char* kRequestsHelp = "API requests by verb, resource and HTTP code.";
constexpr const char* kLatency = "berth_apiserver_request_duration_seconds";
constexpr const char* kLatencyHelp = "API request latency by verb (streams not observed).";

class RegistryMetrics final : public ApiMetrics {
 public:
  explicit RegistryMetrics(runtime::Metrics& m)
      : m_(m),
        open_watches_(m.GetGauge("berth_apiserver_open_watches", "Watch streams currently open.")),
        revision_(m.GetGauge("berth_store_revision", "Current revision of the store.")) {}

  void ObserveRequest(std::string_view verb, std::string_view resource, int code, double seconds,
                      bool observe_latency) override {
    m_.GetCounter(kRequests, kRequestsHelp,
                  {{"verb", std::string(verb)},
                   {"resource", std::string(resource)},
                   {"code", std::to_string(code)}})
        .Inc();
    if (observe_latency) {
      m_.GetHistogram(kLatency, kLatencyHelp, runtime::DurationBuckets(),
                      {{"verb", std::string(verb)}})
          .Observe(seconds);
    }
  }
  void WatchOpened() override { open_watches_.Set(static_cast<double>(++open_)); }
  void WatchClosed() override { open_watches_.Set(static_cast<double>(--open_)); }
  int64_t OpenWatches() const override { return open_.load(); }
  void SetStoreRevision(int64_t revision) override { revision_.Set(static_cast<double>(revision)); }
  std::string Render() const override { return m_.Render(); }

 private:
  runtime::Metrics& m_;
  runtime::Gauge& open_watches_;
  runtime::Gauge& revision_;
  std::atomic<int64_t> open_{0};
};

}  // namespace

std::unique_ptr<ApiMetrics> NewApiMetrics(runtime::Metrics& registry) {
  return std::make_unique<RegistryMetrics>(registry);
}

}  // namespace berth::apiserver
