#include "bench/store/measure.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "operator/store/store.h"
#include "test/store/store_test_support.h"

namespace berth::store::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(std::lround(p * static_cast<double>(v.size() - 1)));
  return v[std::min(i, v.size() - 1)];
}

std::string Key(const char* prefix, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%08d", prefix, i);
  return buf;
}

// Reads `count` events: each key with the time the watcher had it.
Result<std::map<std::string, int64_t>> Receive(Watcher& w, size_t count) {
  std::map<std::string, int64_t> seen;
  const auto until = Clock::now() + std::chrono::seconds(60);
  while (seen.size() < count && Clock::now() < until) {
    Result<Event> e = w.Next(std::chrono::milliseconds(100));
    if (e.ok()) {
      seen.emplace(e->record.key, NowNs());
    } else if (e.status().code() != Code::kTimeout) {
      return e.status();
    }
  }
  if (seen.size() < count) return Status::Timeout("the watcher missed events");
  return seen;
}

// Milliseconds from each write call (`sent`) to the watcher having it.
std::vector<double> Latencies(const std::map<std::string, int64_t>& sent,
                              const std::map<std::string, int64_t>& seen) {
  std::vector<double> ms;
  for (const auto& [key, at] : seen) {
    auto it = sent.find(key);
    if (it != sent.end()) ms.push_back(static_cast<double>(at - it->second) / 1e6);
  }
  return ms;
}

}  // namespace

Result<Numbers> Measure(const std::string& url, const Plan& plan) {
  BERTH_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Open(url));
  Numbers n;
  n.backend = store->Backend();

  auto t0 = Clock::now();
  for (int i = 0; i < plan.objects; ++i) {
    std::string value = "{\"kind\":\"Stack\",\"metadata\":{\"name\":\"s" + std::to_string(i) +
                        "\"},\"spec\":{\"replicas\":1,\"image\":\"nginx:1.25\"}}";
    BERTH_RETURN_IF_ERROR(store->Create(Key("/bench/objects/", i), value).status());
  }
  n.creates_per_s = plan.objects / Seconds(Clock::now() - t0);

  t0 = Clock::now();
  int64_t rev = store->Get(Key("/bench/objects/", 0))->mod_revision;
  for (int i = 0; i < plan.updates; ++i) {
    BERTH_ASSIGN_OR_RETURN(Record r, store->Update(Key("/bench/objects/", 0),
                                                   "{\"v\":" + std::to_string(i) + "}", rev));
    rev = r.mod_revision;
  }
  n.updates_per_s = plan.updates / Seconds(Clock::now() - t0);

  std::vector<double> list_ms;
  for (int i = 0; i < 5; ++i) {
    t0 = Clock::now();
    BERTH_ASSIGN_OR_RETURN(ListResult all, store->List("/bench/objects/", "", 0));
    list_ms.push_back(Seconds(Clock::now() - t0) * 1000);
    if (static_cast<int>(all.records.size()) != plan.objects) {
      return Status::Internal("List returned " + std::to_string(all.records.size()) + " objects");
    }
  }
  n.list_ms = Percentile(list_ms, 0.5);

  // Watch latency, writer in another thread of this process.
  {
    BERTH_ASSIGN_OR_RETURN(std::unique_ptr<Watcher> w, store->Watch("/bench/thread/", rev));
    std::map<std::string, int64_t> sent;
    std::mutex mu;
    std::thread writer([&] {
      for (int i = 0; i < plan.latency_samples; ++i) {
        const std::string key = Key("/bench/thread/", i);
        {
          std::lock_guard lock(mu);
          sent[key] = NowNs();
        }
        if (!store->Create(key, "x").ok()) return;
        std::this_thread::sleep_for(std::chrono::microseconds(plan.pace_us));
      }
    });
    Result<std::map<std::string, int64_t>> seen =
        Receive(*w, static_cast<size_t>(plan.latency_samples));
    writer.join();
    if (!seen.ok()) return seen.status();
    std::vector<double> ms = Latencies(sent, *seen);
    n.watch_p50_ms = Percentile(ms, 0.5);
    n.watch_p99_ms = Percentile(ms, 0.99);
  }

  // Watch latency, writer in another process.
  {
    BERTH_ASSIGN_OR_RETURN(int64_t now_rev, store->CurrentRevision());
    BERTH_ASSIGN_OR_RETURN(std::unique_ptr<Watcher> w, store->Watch("/bench/process/", now_rev));
    BERTH_ASSIGN_OR_RETURN(
        std::unique_ptr<testing::Subprocess> child,
        testing::Subprocess::Start({plan.self, "--writer", url, "/bench/process/",
                                    std::to_string(plan.latency_samples),
                                    std::to_string(plan.pace_us)}));
    Result<std::map<std::string, int64_t>> seen =
        Receive(*w, static_cast<size_t>(plan.latency_samples));
    if (child->Wait() != 0) return Status::Internal("the writer process failed");
    if (!seen.ok()) return seen.status();
    std::map<std::string, int64_t> sent;
    for (const std::string& line : child->Lines()) {
      std::istringstream in(line);
      std::string key;
      long long ns = 0;
      if (in >> key >> ns) sent[key] = ns;
    }
    std::vector<double> ms = Latencies(sent, *seen);
    n.process_p50_ms = Percentile(ms, 0.5);
    n.process_p99_ms = Percentile(ms, 0.99);
  }
  return n;
}

int RunWriter(const std::string& url, const std::string& prefix, int count, int pace_us) {
  Result<std::unique_ptr<Store>> store = Open(url);
  if (!store.ok()) {
    std::fprintf(stderr, "writer: %s\n", store.status().ToString().c_str());
    return 1;
  }
  for (int i = 0; i < count; ++i) {
    const std::string key = Key(prefix.c_str(), i);
    const int64_t ns = NowNs();
    Status st = (*store)->Create(key, "x").status();
    if (!st.ok()) {
      std::fprintf(stderr, "writer: %s\n", st.ToString().c_str());
      return 1;
    }
    std::printf("%s %lld\n", key.c_str(), static_cast<long long>(ns));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::microseconds(pace_us));
  }
  return 0;
}

}  // namespace berth::store::bench
