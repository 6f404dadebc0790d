// The store benchmark's measurements, one backend at a time.
#pragma once

#include <cstdint>
#include <string>

#include "operator/common/result.h"

namespace berth::store::bench {

struct Numbers {
  std::string backend;
  double creates_per_s = 0;
  double updates_per_s = 0;
  double list_ms = 0;       // List of every object, median of 5
  double watch_p50_ms = 0;  // write call in another thread -> watcher has it
  double watch_p99_ms = 0;
  double process_p50_ms = 0;  // write call in another process -> watcher has it
  double process_p99_ms = 0;
};

struct Plan {
  int objects = 10000;  // created one by one, then listed
  int updates = 2000;
  int latency_samples = 300;  // paced writes for each latency measurement
  int pace_us = 3000;         // between those writes, so they do not queue
  std::string self;           // this binary, re-run as the writer process
};

// Runs every measurement against the empty store at `url`.
Result<Numbers> Measure(const std::string& url, const Plan& plan);

// The writer process: `count` paced creates under `prefix`, one line per
// write: "<key> <steady-clock ns before the call>".
int RunWriter(const std::string& url, const std::string& prefix, int count, int pace_us);

}  // namespace berth::store::bench
