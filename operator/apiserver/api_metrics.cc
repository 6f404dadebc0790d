// ApiMetrics kept in this library until the process-wide registry
// (operator/runtime/metrics.h) lands; the interface stays when it does.
#include "operator/apiserver/api_metrics.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <tuple>

#include <fmt/format.h>

namespace berth::apiserver {
namespace {

constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,   0.25,   0.5,   1,    2.5,   10};

struct Histogram {
  std::array<uint64_t, kBuckets.size() + 1> counts{};  // last: +Inf
  double sum = 0;
  uint64_t count = 0;
};

class BuiltinMetrics final : public ApiMetrics {
 public:
  void ObserveRequest(std::string_view verb, std::string_view resource, int code, double seconds,
                      bool observe_latency) override {
    std::lock_guard lock(mu_);
    ++requests_[{std::string(verb), std::string(resource), code}];
    if (!observe_latency) return;
    Histogram& h = latency_[std::string(verb)];
    size_t i = 0;
    while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
    ++h.counts[i];
    h.sum += seconds;
    ++h.count;
  }
  void WatchOpened() override { open_watches_.fetch_add(1); }
  void WatchClosed() override { open_watches_.fetch_sub(1); }
  int64_t OpenWatches() const override { return open_watches_.load(); }
  void SetStoreRevision(int64_t revision) override { revision_.store(revision); }

  std::string Render() const override {
    std::lock_guard lock(mu_);
    std::string out;
    out += "# HELP berth_apiserver_requests_total API requests by verb, resource and code.\n";
    out += "# TYPE berth_apiserver_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [verb, resource, code] = key;
      out += fmt::format(
          "berth_apiserver_requests_total{{code=\"{}\",resource=\"{}\",verb=\"{}\"}} {}\n", code,
          resource, verb, n);
    }
    out += "# HELP berth_apiserver_request_duration_seconds API request latency by verb.\n";
    out += "# TYPE berth_apiserver_request_duration_seconds histogram\n";
    for (const auto& [verb, h] : latency_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        out += fmt::format(
            "berth_apiserver_request_duration_seconds_bucket{{le=\"{}\",verb=\"{}\"}} {}\n",
            kBuckets[i], verb, cumulative);
      }
      cumulative += h.counts.back();
      out += fmt::format(
          "berth_apiserver_request_duration_seconds_bucket{{le=\"+Inf\",verb=\"{}\"}} {}\n", verb,
          cumulative);
      out += fmt::format("berth_apiserver_request_duration_seconds_sum{{verb=\"{}\"}} {}\n", verb,
                         h.sum);
      out += fmt::format("berth_apiserver_request_duration_seconds_count{{verb=\"{}\"}} {}\n",
                         verb, h.count);
    }
    out += "# HELP berth_apiserver_open_watches Watch streams currently open.\n";
    out += "# TYPE berth_apiserver_open_watches gauge\n";
    out += fmt::format("berth_apiserver_open_watches {}\n", open_watches_.load());
    out += "# HELP berth_store_revision Current revision of the store.\n";
    out += "# TYPE berth_store_revision gauge\n";
    out += fmt::format("berth_store_revision {}\n", revision_.load());
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<int64_t> open_watches_{0};
  std::atomic<int64_t> revision_{0};
};

}  // namespace

std::unique_ptr<ApiMetrics> NewApiMetrics() { return std::make_unique<BuiltinMetrics>(); }

}  // namespace berth::apiserver
