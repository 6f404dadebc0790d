// DockerClient against the real dockerd: engine, container lifecycle, health,
// logs, wait, exec and archives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test/docker/docker_fixture.h"

namespace berth::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;
using namespace std::chrono_literals;

class DockerEngine : public DockerTest {};
class DockerContainers : public DockerTest {};

TEST_F(DockerEngine, PingAndVersionNegotiation) {
  uint64_t before = client().calls();
  ASSERT_TRUE(client().Ping().ok());
  auto v = client().Version();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->version.empty());
  EXPECT_FALSE(v->api_version.empty());
  // The engine here speaks 1.41; berth never asks for more than 1.41.
  EXPECT_TRUE(v->negotiated == v->api_version || v->negotiated == "1.41") << v->negotiated;
  EXPECT_EQ(v->os, "linux");
  EXPECT_GE(client().calls(), before + 2);
}

TEST_F(DockerContainers, LifecycleWithLabels) {
  if (!RequireImage(kBusybox)) return;
  auto spec = Busybox("life", {"sleep", "1000"});
  std::string marker = "m" + Name("x");
  spec.labels["berth.dev/marker"] = marker;
  auto id = client().CreateContainer(spec);
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  auto listed = client().ListContainers({"berth.dev/marker=" + marker});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, *id);
  EXPECT_EQ((*listed)[0].name, spec.name);
  EXPECT_EQ((*listed)[0].state, "created");
  EXPECT_THAT((*listed)[0].labels, Contains(Pair("berth.dev/marker", marker)));
  auto none = client().ListContainers({"berth.dev/marker=" + marker + "-other"});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(client().StartContainer(*id).ok());
  EXPECT_TRUE(client().StartContainer(*id).ok()) << "starting a running container is OK";
  auto info = client().InspectContainer(spec.name);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->id, *id);
  EXPECT_EQ(info->name, spec.name);
  EXPECT_EQ(info->image, kBusybox);
  EXPECT_TRUE(info->state.running);
  EXPECT_EQ(info->state.status, "running");
  EXPECT_FALSE(info->state.started_at.empty());
  EXPECT_TRUE(info->state.finished_at.empty());
  EXPECT_EQ(info->state.health, "");
  EXPECT_THAT(info->labels, Contains(Pair("berth.dev/marker", marker)));
  EXPECT_EQ(info->cmd, (std::vector<std::string>{"sleep", "1000"}));
  EXPECT_TRUE(info->raw.contains("HostConfig"));

  ASSERT_TRUE(client().StopContainer(*id, 1s).ok());
  EXPECT_TRUE(client().StopContainer(*id, 1s).ok()) << "stopping a stopped container is OK";
  info = client().InspectContainer(*id);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->state.running);
  EXPECT_EQ(info->state.status, "exited");
  EXPECT_FALSE(info->state.finished_at.empty());

  ASSERT_TRUE(client().RestartContainer(*id, 1s).ok());
  info = client().InspectContainer(*id);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->state.running);
  ASSERT_TRUE(client().KillContainer(*id, "SIGKILL").ok());
  auto code = client().WaitContainer(*id, docker::WaitCondition::kNotRunning, 30s);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 137);

  ASSERT_TRUE(client().RemoveContainer(*id, false, true).ok());
  EXPECT_EQ(client().InspectContainer(*id).status().code(), Code::kNotFound);
  listed = client().ListContainers({"berth.dev/marker=" + marker});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(DockerContainers, HealthTurnsHealthy) {
  if (!RequireImage(kBusybox)) return;
  auto spec = Busybox("health", {"sh", "-c", "sleep 0.5; touch /tmp/ready; exec sleep 1000"});
  spec.healthcheck = docker::HealthCheck{{"CMD-SHELL", "test -e /tmp/ready"}, 200ms, 2s, 0ms, 3};
  std::string id = Run(spec);
  ASSERT_FALSE(id.empty());
  docker::ContainerInfo info;
  ASSERT_TRUE(WaitFor([&] {
    auto i = client().InspectContainer(id);
    if (i.ok()) info = *i;
    return i.ok() && i->state.health == "healthy";
  })) << "health stayed "
      << info.state.health;
  ASSERT_FALSE(info.state.health_log.empty());
  EXPECT_EQ(info.state.health_log.back().exit_code, 0);
  EXPECT_FALSE(info.state.health_log.back().start.empty());
  EXPECT_EQ(info.state.failing_streak, 0);
}

TEST_F(DockerContainers, LogsAreDemultiplexed) {
  if (!RequireImage(kBusybox)) return;
  std::string id = Run(Busybox("logs", {"sh", "-c", "echo out1; echo err1 >&2; echo out2"}));
  ASSERT_FALSE(id.empty());
  auto code = client().WaitContainer(id, docker::WaitCondition::kNotRunning, 30s);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  auto logs = client().Logs(id, {});
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  EXPECT_EQ(logs->out, "out1\nout2\n");
  EXPECT_EQ(logs->err, "err1\n");

  // tail counts lines across both streams in the order the engine logged
  // them, and stdout/stderr are copied concurrently: use one stream here.
  std::string lines = Run(Busybox("tail", {"sh", "-c", "echo a; echo b; echo c"}));
  ASSERT_FALSE(lines.empty());
  ASSERT_TRUE(client().WaitContainer(lines, docker::WaitCondition::kNotRunning, 30s).ok());
  docker::LogsOptions tail;
  tail.tail = 2;
  tail.stderr_stream = false;
  logs = client().Logs(lines, tail);
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(logs->out, "b\nc\n");
  EXPECT_EQ(logs->err, "");
}

TEST_F(DockerContainers, FollowLogsUntilExitAndCancel) {
  if (!RequireImage(kBusybox)) return;
  // Followed to the end: the stream closes when the container exits.
  std::string id =
      Run(Busybox("follow", {"sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done"}));
  ASSERT_FALSE(id.empty());
  std::string seen;
  docker::CancelToken never;
  Status st = client().FollowLogs(
      id, {},
      [&](docker::LogStream, std::string_view chunk) {
        seen.append(chunk);
        return true;
      },
      never);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(seen, "line1\nline2\nline3\n");

  // A follow on a quiet container ends promptly when cancelled.
  std::string quiet = Run(Busybox("quiet", {"sh", "-c", "echo hello; exec sleep 1000"}));
  ASSERT_FALSE(quiet.empty());
  docker::CancelToken cancel;
  std::atomic<bool> got_hello{false};
  Status follow;
  std::thread t([&] {
    follow = client().FollowLogs(
        quiet, {},
        [&](docker::LogStream s, std::string_view chunk) {
          if (s == docker::LogStream::kStdout && chunk == "hello\n") got_hello = true;
          return true;
        },
        cancel);
  });
  ASSERT_TRUE(WaitFor([&] { return got_hello.load(); }, 30s));
  auto cancelled_at = std::chrono::steady_clock::now();
  cancel.Cancel();
  t.join();
  EXPECT_EQ(follow.code(), Code::kCancelled) << follow.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 2s);

  // Returning false from the callback stops the follow with OK.
  Status stopped = client().FollowLogs(
      quiet, {}, [](docker::LogStream, std::string_view) { return false; }, never);
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
}

TEST_F(DockerContainers, WaitReturnsExitCode) {
  if (!RequireImage(kBusybox)) return;
  std::string id = Run(Busybox("wait", {"sh", "-c", "sleep 0.3; exit 7"}));
  ASSERT_FALSE(id.empty());
  auto code = client().WaitContainer(id, docker::WaitCondition::kNotRunning, 30s);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 7);
  auto info = client().InspectContainer(id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->state.exit_code, 7);
  // not-running on an exited container answers at once.
  code = client().WaitContainer(id, docker::WaitCondition::kNotRunning, 5s);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 7);
}

TEST_F(DockerContainers, ExecReturnsExitCodeAndOutput) {
  if (!RequireImage(kBusybox)) return;
  std::string id = Run(Busybox("exec", {"sleep", "1000"}));
  ASSERT_FALSE(id.empty());
  docker::ExecOptions opts;
  opts.cmd = {"sh", "-c", "echo hi $GREETING; echo oops >&2; exit 3"};
  opts.env = {"GREETING=there"};
  auto r = client().Exec(id, opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "hi there\n");
  EXPECT_EQ(r->err, "oops\n");

  opts.cmd = {"id", "-un"};
  opts.env.clear();
  opts.user = "nobody";
  r = client().Exec(id, opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out, "nobody\n");

  ASSERT_TRUE(client().StopContainer(id, 0s).ok());
  opts.cmd = {"true"};
  EXPECT_EQ(client().Exec(id, opts).status().code(), Code::kConflict);
}

TEST_F(DockerContainers, PutArchivePlacesFilesWithMode) {
  if (!RequireImage(kBusybox)) return;
  auto spec = Busybox("archive", {"sleep", "1000"});
  auto id = client().CreateContainer(spec);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // Works before the container starts: that is how berth places config files.
  Status st = client().PutArchive(
      *id, "/tmp",
      {{"conf/", "", 0755, true}, {"conf/app.json", "{\"a\": 1}\n", 0600, false, 65534, 65534}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(client().StartContainer(*id).ok());
  docker::ExecOptions opts;
  opts.cmd = {"sh", "-c", "stat -c '%a %u %s' /tmp/conf/app.json; cat /tmp/conf/app.json"};
  auto r = client().Exec(*id, opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->out, "600 65534 9\n{\"a\": 1}\n");
  EXPECT_EQ(client().PutArchive(*id, "/no/such/dir", {{"x", "y"}}).code(), Code::kNotFound);
}

}  // namespace
}  // namespace berth::testing
