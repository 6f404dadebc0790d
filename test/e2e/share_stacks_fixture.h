// The share_stacks (seed 000) e2e fixture: a `berth serve` with controllers,
// the engine, the test manifests, and the checks several tests share
// (dependency order from the engine's own timestamps). Every test using it
// takes the share-stacks container names, host ports and 1panel-network, so
// the executables that include it share one RESOURCE_LOCK (stack_e2e.cmake).
// Test-only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {

using std::chrono::milliseconds;
using std::chrono::seconds;

inline constexpr const char* kStack = "share-stacks";
inline const std::vector<std::string> kContainerNames = {
    "share_postgres", "share_pg_init", "share_valkey",     "share_rabbitmq",     "share_gptload",
    "share_litellm",  "share_searxng", "share_playwright", "share_firecrawl_pw", "share_firecrawl"};
// A test container (not berth's) on a network of the test's own, the target
// of the internal-network probe.
inline constexpr const char* kProbeNetwork = "berth-e2e-probe-outside";
inline constexpr const char* kProbeTarget = "berth-e2e-probe-target";
inline const std::vector<std::string> kImages = {"berth-test/busybox:1", "berth-test/postgres:15",
                                                 "berth-test/redis:7"};

#define EXPECT_HAS(haystack, needle)                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) \
      << "missing \"" << (needle) << "\" in:\n"                    \
      << (haystack)

inline json StackSpecOf(const std::string& yaml) {
  json spec;
  EditManifest(yaml, [&](json& d) {
    if (d.value("kind", "") == "Stack") spec = d["spec"];
  });
  return spec;
}

class ShareStacksE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect(kImages)) BERTH_E2E_SKIP(*why);
    docker_.CleanStack(kStack, CleanNames());
    ASSERT_TRUE(docker_.EnsureNetwork("1panel-network"));
    server_ = std::make_unique<StackServer>(tmp_.path());
    if (auto why = server_->Start()) {
      if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
      FAIL() << *why;
    }
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      std::cerr << "---- berth describe stack " << kStack << "\n"
                << server_->Berth({"describe", "stack", kStack}).out << "---- server log (tail)\n";
      std::string log = server_->log();
      std::cerr << (log.size() > 20000 ? log.substr(log.size() - 20000) : log) << "\n";
    }
    if (server_) server_->Terminate();  // before cleanup, or it would repair what we remove
    if (docker_.Connect({}) == std::nullopt) docker_.CleanStack(kStack, CleanNames());
  }

  static std::vector<std::string> CleanNames() {
    std::vector<std::string> names = kContainerNames;
    names.push_back(kProbeTarget);
    return names;
  }

  std::string Manifest(const std::string& rel) { return ReadFile(ManifestPath(rel)); }

  // Applies and waits (berth wait) for Ready.
  void UpAndReady(const std::string& yaml) {
    RunResult r = server_->Apply(yaml);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    r = server_->Berth(
        {"wait", "--for=condition=Ready", std::string("stack/") + kStack, "--timeout=240s"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }

  // Polls until the Stack is Ready for its current generation.
  bool ReadyForGeneration(seconds limit) {
    return Eventually(
        [&] {
          json s = server_->Get("stack", kStack);
          return s.is_object() && s["status"].value("phase", "") == "Ready" &&
                 s["status"].value("observedGeneration", -1) ==
                     s["metadata"].value("generation", -2);
        },
        limit, milliseconds(200));
  }

  std::map<std::string, std::string> ContainerIds() {
    std::map<std::string, std::string> ids;
    for (const std::string& name : kContainerNames) {
      if (auto c = docker_.Inspect(name)) ids[name] = c->id;
    }
    return ids;
  }

  // For every dependsOn edge, the dependent's first start comes after the
  // dependency's first healthy / exit 0 / start, by the engine's timestamps.
  void ExpectDependencyOrder(const json& spec, const ContainerTimeline& tl, int min_edges) {
    std::map<std::string, ContainerTimeline::Times> by_service;
    for (const auto& [id, t] : tl.ByContainer()) {
      if (t.service.empty()) continue;
      auto& agg = by_service[t.service];
      agg.service = t.service;
      agg.start.insert(agg.start.end(), t.start.begin(), t.start.end());
      agg.healthy.insert(agg.healthy.end(), t.healthy.begin(), t.healthy.end());
      agg.exit0.insert(agg.exit0.end(), t.exit0.begin(), t.exit0.end());
    }
    auto first = [](const std::vector<int64_t>& v) -> int64_t {
      return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
    };
    int edges = 0;
    for (const auto& [name, svc] : spec["services"].items()) {
      ASSERT_TRUE(by_service.count(name)) << name << " never started\n" << tl.Dump();
      int64_t started = first(by_service[name].start);
      ASSERT_NE(started, 0) << name << " has no start event\n" << tl.Dump();
      json deps = svc.value("dependsOn", json::object());  // a named copy: items() does not own it
      for (const auto& [dep, cond] : deps.items()) {
        const auto& d = by_service[dep];
        int64_t at = cond == "healthy"     ? first(d.healthy)
                     : cond == "completed" ? first(d.exit0)
                                           : first(d.start);
        ASSERT_NE(at, 0) << dep << " never became " << cond << "\n" << tl.Dump();
        EXPECT_LT(at, started) << name << " started " << (at - started) / 1000000 << " ms before "
                               << dep << " was " << cond << "\n"
                               << tl.Dump();
        ++edges;
      }
    }
    EXPECT_GE(edges, min_edges);
  }

  DockerEnv docker_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
};

}  // namespace berth::e2e
