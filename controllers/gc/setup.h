// Registers the garbage collector with a Manager: one informer per kind of
// the registry's catalog, caching metadata only (no spec, status, data or
// annotations), whose handlers keep the DependentIndex and queue what may
// need collecting, and the "garbage-collector" controller.
#pragma once

#include <chrono>

#include "operator/registry/registry.h"
#include "operator/runtime/manager.h"

namespace berth::gc {

struct GcSetup {
  int workers = 2;
  // Every cached object with owners is checked again this often (0: never),
  // a safety net for an owner whose deletion the collector missed while
  // no process ran it.
  std::chrono::milliseconds resync_period = std::chrono::minutes(5);
  std::chrono::milliseconds check_interval = std::chrono::seconds(1);  // informers
};

// `registry` must outlive `manager`.
void AddGarbageCollector(runtime::Manager& manager, registry::Registry& registry,
                         const GcSetup& setup = {});

}  // namespace berth::gc
