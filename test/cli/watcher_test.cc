// ListAndWatch resumes after the server answers Unavailable (its database
// unreachable for a while): from the last resourceVersion seen, without
// losing or repeating an event, and gives up only at the deadline.
#include "operator/cli/watcher.h"

#include <gtest/gtest.h>

#include "test/cli/cli_test_support.h"

namespace berth::testing {
namespace {

api::Object Node(const std::string& name, const std::string& rv) {
  return api::Object(api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                               {"kind", "GpuNode"},
                               {"metadata", {{"name", name}, {"resourceVersion", rv}}}});
}

// Each Watch call plays the next script step: events, then a final Status.
class ScriptedClient : public FakeApiClient {
 public:
  struct Step {
    std::vector<cli::WatchEvent> events;
    Status end;
  };
  explicit ScriptedClient(std::vector<Step> steps)
      : FakeApiClient(std::make_shared<FakeServer>()), steps_(std::move(steps)) {}

  Status Watch(const api::KindInfo&, const std::string&, const cli::WatchOptions& o,
               const std::function<bool(const cli::WatchEvent&)>& on_event) override {
    from.push_back(o.resource_version);
    if (calls_ >= steps_.size()) return Status::Unavailable("still down");
    const Step& s = steps_[calls_++];
    for (const auto& ev : s.events) {
      if (!on_event(ev)) return Status::Ok();
    }
    return s.end;
  }
  std::vector<std::string> from;  // the resourceVersion of each Watch call

 private:
  std::vector<Step> steps_;
  size_t calls_ = 0;
};

const api::KindInfo& GpuNodes() {
  static const api::KindInfo k{"GpuNode", "GpuNodeList", "gpunodes", "gpunode", {}, {}, false};
  return k;
}

TEST(ListAndWatchTest, ResumesFromTheLastVersionAfterUnavailable) {
  Status down = Status::Unavailable("watch: the database has been unreachable for 10000ms");
  ScriptedClient client(
      {{{{"ADDED", Node("a", "101")}}, down},
       {{}, down},
       {{{"ADDED", Node("b", "102")}, {"ADDED", Node("c", "103")}}, Status::Ok()}});
  std::vector<std::string> seen;
  Status st = cli::ListAndWatch(
      client, GpuNodes(), "", {}, [](const cli::ObjectList&) { return true; },
      [&](const cli::WatchEvent& ev) {
        seen.push_back(ev.object.name() + "@" + ev.object.resource_version());
        return seen.size() < 3;
      });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"a@101", "b@102", "c@103"}));
  EXPECT_EQ(client.from, (std::vector<std::string>{"100", "101", "101"}));
}

TEST(ListAndWatchTest, GivesUpOnUnavailableAtTheDeadline) {
  ScriptedClient client({});
  cli::ListWatchOptions o;
  o.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1200);
  Status st = cli::ListAndWatch(
      client, GpuNodes(), "", o, [](const cli::ObjectList&) { return true; },
      [](const cli::WatchEvent&) { return true; });
  EXPECT_TRUE(st.code() == Code::kUnavailable || st.code() == Code::kTimeout) << st.ToString();
  EXPECT_GE(client.from.size(), 2u);  // retried at least once before giving up
}

}  // namespace
}  // namespace berth::testing
