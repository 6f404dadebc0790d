#include "test/docker/docker_fixture.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "operator/common/strings.h"
#include "operator/docker/curl_docker_client.h"

namespace berth::testing {

bool RequireAll() {
  const char* v = std::getenv("BERTH_TEST_REQUIRE_ALL");
  return v && std::string(v) == "1";
}

bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  std::string full = command + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void DockerTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  case_ = std::string(info->test_suite_name()) + "." + info->name();
  run_id_ = RandomHex(3);
  endpoint_ = "unix:///var/run/docker.sock";
  if (const char* host = std::getenv("DOCKER_HOST");
      host && (StartsWith(host, "unix://") || StartsWith(host, "tcp://"))) {
    endpoint_ = host;
  }
  auto c = docker::NewCurlDockerClient(endpoint_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  client_ = std::move(c).value();
  Status ping = client_->Ping();
  if (!ping.ok()) {
    if (RequireAll()) FAIL() << "no Docker engine at " << endpoint_ << ": " << ping.ToString();
    GTEST_SKIP() << "no Docker engine at " << endpoint_ << ": " << ping.ToString();
  }
  Cleanup();
}

void DockerTest::TearDown() {
  if (client_ && client_->Ping().ok()) Cleanup();
}

bool DockerTest::RequireImage(const std::string& image) {
  auto img = client_->InspectImage(image);
  if (img.ok()) return true;
  std::string why = image + " is missing (run scripts/test-images): " + img.status().ToString();
  if (RequireAll()) {
    ADD_FAILURE() << why;
  } else {
    [&] { GTEST_SKIP() << why; }();
  }
  return false;
}

std::string DockerTest::Name(const std::string& suffix) {
  return "berth-dt-" + suffix + "-" + run_id_;
}

docker::Labels DockerTest::TestLabels() const {
  return {{"berth.dev/test", "1"}, {"berth.dev/test-case", case_}};
}

docker::ContainerSpec DockerTest::Busybox(const std::string& suffix, std::vector<std::string> cmd) {
  docker::ContainerSpec spec;
  spec.name = Name(suffix);
  spec.image = kBusybox;
  spec.cmd = std::move(cmd);
  spec.labels = TestLabels();
  return spec;
}

std::string DockerTest::Run(docker::ContainerSpec spec) {
  for (const auto& [k, v] : TestLabels()) spec.labels[k] = v;
  auto id = client_->CreateContainer(spec);
  EXPECT_TRUE(id.ok()) << spec.name << ": " << id.status().ToString();
  if (!id.ok()) return "";
  Status st = client_->StartContainer(*id);
  EXPECT_TRUE(st.ok()) << spec.name << ": " << st.ToString();
  return *id;
}

void DockerTest::Cleanup() {
  docker::LabelFilter filter = {"berth.dev/test=1", CaseLabel()};
  if (auto cs = client_->ListContainers(filter); cs.ok()) {
    for (const auto& c : *cs) (void)client_->RemoveContainer(c.id, true, true);
  }
  if (auto ns = client_->ListNetworks(filter); ns.ok()) {
    for (const auto& n : *ns) (void)client_->RemoveNetwork(n.id);
  }
  if (auto vs = client_->ListVolumes(filter); vs.ok()) {
    for (const auto& v : *vs) (void)client_->RemoveVolume(v.name, true);
  }
}

}  // namespace berth::testing
