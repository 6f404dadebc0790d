// DockerTest: a fixture for tests against the real dockerd.
//
// SetUp connects to unix:///var/run/docker.sock (or $DOCKER_HOST when it is a
// unix:// or tcp:// URL) and skips the test when no engine answers; with
// BERTH_TEST_REQUIRE_ALL=1 it fails instead. Every object a test creates
// carries berth.dev/test=1 and berth.dev/test-case=<Suite.Test>; objects with
// this test's case label are removed before it runs (leftovers of an earlier,
// killed run) and after it. Names are unique per run.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "operator/docker/docker_client.h"

namespace berth::testing {

inline constexpr char kBusybox[] = "berth-test/busybox:1";
inline constexpr char kPostgres[] = "berth-test/postgres:15";
inline constexpr char kRedis[] = "berth-test/redis:7";
inline constexpr char kNginx[] = "berth-test/nginx:1";

// True when BERTH_TEST_REQUIRE_ALL=1: a missing server is a failure, not a skip.
bool RequireAll();

// Polls `cond` every 50 ms until it holds or `deadline` passes.
bool WaitFor(const std::function<bool()>& cond,
             std::chrono::milliseconds deadline = std::chrono::seconds(60));

// Runs `command` through /bin/sh; returns its exit status and stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult RunCommand(const std::string& command);
// Single-quotes `s` for /bin/sh.
std::string ShellQuote(const std::string& s);

class DockerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  docker::DockerClient& client() { return *client_; }
  // Skips (or fails) the test when `image` is missing: run scripts/test-images.
  // Use as: if (!RequireImage(kBusybox)) return;
  bool RequireImage(const std::string& image);
  // "berth-dt-<suffix>-<random>": unique across runs and parallel tests.
  std::string Name(const std::string& suffix);
  // berth.dev/test=1 and this test's case label.
  docker::Labels TestLabels() const;
  std::string CaseLabel() const { return "berth.dev/test-case=" + case_; }
  // A busybox spec running `cmd`, with the test labels and a unique name.
  docker::ContainerSpec Busybox(const std::string& suffix, std::vector<std::string> cmd);
  // Creates and starts `spec` (test labels added); fails the test on error.
  std::string Run(docker::ContainerSpec spec);
  // Removes every container, network and volume carrying this test's label.
  void Cleanup();

  std::unique_ptr<docker::DockerClient> client_;
  std::string endpoint_;

 private:
  std::string case_;
  std::string run_id_;
};

}  // namespace berth::testing
