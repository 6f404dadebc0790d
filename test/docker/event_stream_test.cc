// DockerEventStream's reconnect/resume/dedupe logic over a mocked client.
#include "operator/docker/event_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "test/docker/docker_fixture.h"
#include "test/mocks/mock_docker_client.h"

namespace berth::docker {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Invoke;
using ::testing::NiceMock;
using namespace std::chrono_literals;

Event Ev(const std::string& id, const std::string& action, int64_t nano) {
  Event e;
  e.type = "container";
  e.action = action;
  e.actor_id = id;
  e.time = nano / 1000000000;
  e.time_nano = nano;
  return e;
}

// Blocks like a quiet live stream until the call is cancelled.
Status BlockUntilCancelled(const CancelToken& cancel) {
  while (!cancel.cancelled()) std::this_thread::sleep_for(5ms);
  return Status::Cancelled("cancelled");
}

struct Seen {
  std::mutex mu;
  std::vector<std::string> events;
  void Add(const Event& e) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(e.actor_id + ":" + e.action);
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return events.size();
  }
};

TEST(DockerEventStream, ResumesFromTheLastEventAndSkipsReplays) {
  ::testing::StrictMock<berth::testing::MockDockerClient> client;
  const int64_t t1 = 1700000000'000000001, t2 = 1700000000'500000000, t3 = 1700000001'000000000;
  std::vector<std::string> sinces;
  std::mutex mu;
  int call = 0;
  EXPECT_CALL(client, StreamEvents(_, _, _))
      .WillRepeatedly(Invoke([&](const EventsOptions& o, const EventCallback& cb,
                                 const CancelToken& cancel) -> Status {
        int n;
        {
          std::lock_guard<std::mutex> lock(mu);
          sinces.push_back(o.since);
          n = ++call;
        }
        EXPECT_EQ(o.filters.at("type"), std::vector<std::string>{"container"});
        if (n == 1) {
          cb(Ev("a", "create", t1));
          cb(Ev("a", "start", t2));
          cb(Ev("b", "create", t2));
          return Status::Unavailable("engine restarted");
        }
        if (n == 2) {
          // The engine replays from `since` inclusive: both t2 events again.
          cb(Ev("a", "start", t2));
          cb(Ev("b", "create", t2));
          cb(Ev("b", "start", t2));  // same instant, not seen before: delivered
          cb(Ev("a", "die", t3));
          return BlockUntilCancelled(cancel);
        }
        return BlockUntilCancelled(cancel);
      }));

  Seen seen;
  DockerEventStream::Options opts;
  opts.events.since = "1700000000";
  opts.events.filters = {{"type", {"container"}}};
  opts.backoff_initial = 1ms;
  std::vector<Code> disconnects;
  opts.on_disconnect = [&](const Status& st) { disconnects.push_back(st.code()); };
  DockerEventStream stream(client, opts, [&](const Event& e) { seen.Add(e); });
  stream.Start();
  ASSERT_TRUE(berth::testing::WaitFor([&] { return seen.size() >= 5; }, 10s));
  stream.Stop();

  EXPECT_THAT(seen.events, ElementsAre("a:create", "a:start", "b:create", "b:start", "a:die"));
  ASSERT_GE(sinces.size(), 2u);
  EXPECT_EQ(sinces[0], "1700000000");
  EXPECT_EQ(sinces[1], "1700000000.500000000");
  EXPECT_EQ(stream.delivered(), 5u);
  EXPECT_EQ(disconnects, std::vector<Code>{Code::kUnavailable});
}

TEST(DockerEventStream, BacksOffWhileTheEngineIsDownAndStopsPromptly) {
  NiceMock<berth::testing::MockDockerClient> client;
  std::atomic<int> calls{0};
  ON_CALL(client, StreamEvents(_, _, _)).WillByDefault(Invoke([&](auto&&...) {
    ++calls;
    return Status::Unavailable("no engine");
  }));
  DockerEventStream::Options opts;
  opts.backoff_initial = 20ms;
  opts.backoff_max = 80ms;
  DockerEventStream stream(client, opts, [](const Event&) {});
  stream.Start();
  ASSERT_TRUE(berth::testing::WaitFor([&] { return calls.load() >= 4; }, 10s));
  auto before = std::chrono::steady_clock::now();
  stream.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  int after_stop = calls.load();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(calls.load(), after_stop) << "no reconnects after Stop()";
}

TEST(DockerEventStream, FirstConnectionWithoutSinceResumesFromItsStart) {
  ::testing::StrictMock<berth::testing::MockDockerClient> client;
  std::vector<std::string> sinces;
  std::mutex mu;
  EXPECT_CALL(client, StreamEvents(_, _, _))
      .WillRepeatedly(Invoke(
          [&](const EventsOptions& o, const EventCallback&, const CancelToken& cancel) -> Status {
            std::lock_guard<std::mutex> lock(mu);
            sinces.push_back(o.since);
            if (sinces.size() == 1) return Status::Unavailable("dropped before any event");
            return Status::Cancelled("stop");
          }));
  DockerEventStream::Options opts;
  opts.backoff_initial = 1ms;
  auto start = std::chrono::system_clock::now();
  DockerEventStream stream(client, opts, [](const Event&) {});
  stream.Start();
  ASSERT_TRUE(berth::testing::WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return sinces.size() >= 2;
      },
      10s));
  stream.Stop();
  std::lock_guard<std::mutex> lock(mu);
  // Never "" (which would mean "from now" and lose the gap): the stream's start.
  for (const auto& s : sinces) {
    ASSERT_FALSE(s.empty());
    long long secs = std::stoll(s.substr(0, s.find('.')));
    EXPECT_NEAR(static_cast<double>(secs),
                static_cast<double>(std::chrono::system_clock::to_time_t(start)), 2.0);
  }
}

}  // namespace
}  // namespace berth::docker
