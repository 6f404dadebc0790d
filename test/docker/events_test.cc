// The /events stream and DockerEventStream's reconnect-and-resume, for real.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <mutex>

#include "operator/docker/event_stream.h"
#include "test/docker/docker_fixture.h"

namespace berth::testing {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

class DockerEvents : public DockerTest {
 protected:
  // Container events of this test, as "action" lists per container id.
  struct Recorder {
    std::mutex mu;
    std::map<std::string, std::vector<std::string>> actions;
    void Add(const docker::Event& e) {
      if (e.type != "container") return;
      std::lock_guard<std::mutex> lock(mu);
      actions[e.actor_id].push_back(e.action);
    }
    std::vector<std::string> Of(const std::string& id) {
      std::lock_guard<std::mutex> lock(mu);
      return actions[id];
    }
    bool Has(const std::string& id, const std::string& action) {
      auto a = Of(id);
      return std::find(a.begin(), a.end(), action) != a.end();
    }
  };

  docker::DockerEventStream::Options StreamOptions() {
    docker::DockerEventStream::Options o;
    o.events.filters = {{"type", {"container"}}, {"label", {CaseLabel()}}};
    o.backoff_initial = 50ms;
    return o;
  }

  // Creates, runs to completion and removes a labelled container; its id.
  std::string FullLifecycle(const std::string& suffix) {
    std::string id = Run(Busybox(suffix, {"true"}));
    EXPECT_FALSE(id.empty());
    EXPECT_TRUE(client().WaitContainer(id, docker::WaitCondition::kNotRunning, 30s).ok());
    EXPECT_TRUE(client().RemoveContainer(id, false, false).ok());
    return id;
  }

  static std::vector<std::string> Lifecycle(std::vector<std::string> actions) {
    // Keep the four actions the controllers care about, in order.
    std::vector<std::string> out;
    for (auto& a : actions) {
      if (a == "create" || a == "start" || a == "die" || a == "destroy") out.push_back(a);
    }
    return out;
  }
};

TEST_F(DockerEvents, StreamSeesCreateStartDieDestroy) {
  if (!RequireImage(kBusybox)) return;
  auto t0 = std::to_string(std::time(nullptr) - 1);
  std::string id = FullLifecycle("ev");
  // A bounded replay: since..until returns OK once the window is over.
  docker::EventsOptions opts;
  opts.since = t0;
  opts.until = std::to_string(std::time(nullptr) + 1);
  opts.filters = {{"type", {"container"}}, {"label", {CaseLabel()}}};
  Recorder rec;
  docker::CancelToken never;
  Status st = client().StreamEvents(
      opts,
      [&](const docker::Event& e) {
        rec.Add(e);
        auto label = e.attributes.find("berth.dev/test-case");
        EXPECT_TRUE(label != e.attributes.end() &&
                    "berth.dev/test-case=" + label->second == CaseLabel());
        EXPECT_GT(e.time_nano, 0);
        return true;
      },
      never);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_THAT(Lifecycle(rec.Of(id)), ElementsAre("create", "start", "die", "destroy"));
}

TEST_F(DockerEvents, EventStreamDeliversLiveEvents) {
  if (!RequireImage(kBusybox)) return;
  Recorder rec;
  docker::DockerEventStream stream(client(), StreamOptions(),
                                   [&](const docker::Event& e) { rec.Add(e); });
  stream.Start();
  std::string id = FullLifecycle("live");
  ASSERT_TRUE(WaitFor([&] { return rec.Has(id, "destroy"); }, 30s));
  EXPECT_THAT(Lifecycle(rec.Of(id)), ElementsAre("create", "start", "die", "destroy"));
  auto stop_at = std::chrono::steady_clock::now();
  stream.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, 2s) << "Stop() is prompt";
}

TEST_F(DockerEvents, ResumesAfterReconnectWithoutLosingOrRepeatingEvents) {
  if (!RequireImage(kBusybox)) return;
  Recorder rec;
  std::string during;  // the container whose whole life happens while disconnected
  std::mutex during_mu;
  int disconnects = 0;
  auto opts = StreamOptions();
  opts.on_disconnect = [&](const Status&) {
    // Runs on the stream thread: nothing is listening while this runs.
    if (++disconnects != 1) return;
    std::string id = FullLifecycle("gap");
    std::lock_guard<std::mutex> lock(during_mu);
    during = id;
  };
  docker::DockerEventStream stream(client(), opts, [&](const docker::Event& e) { rec.Add(e); });
  stream.Start();

  std::string before = Run(Busybox("before", {"sleep", "1000"}));
  ASSERT_FALSE(before.empty());
  ASSERT_TRUE(WaitFor([&] { return rec.Has(before, "start"); }, 30s));
  stream.Reconnect();
  std::string gap;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(during_mu);
        gap = during;
        return !gap.empty();
      },
      60s));
  ASSERT_TRUE(WaitFor([&] { return rec.Has(gap, "destroy"); }, 30s))
      << "events during the gap were not replayed";
  ASSERT_TRUE(client().RemoveContainer(before, true, false).ok());
  ASSERT_TRUE(WaitFor([&] { return rec.Has(before, "destroy"); }, 30s));
  stream.Stop();

  EXPECT_GE(stream.connections(), 2u);
  EXPECT_THAT(Lifecycle(rec.Of(gap)), ElementsAre("create", "start", "die", "destroy"));
  // The resume replays from the last event's instant; nothing is seen twice.
  EXPECT_THAT(Lifecycle(rec.Of(before)), ElementsAre("create", "start", "die", "destroy"));
}

}  // namespace
}  // namespace berth::testing
