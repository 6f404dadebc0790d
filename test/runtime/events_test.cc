#include "operator/runtime/events.h"

#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using berth::testing::FakeClock;

// Keeps events in memory like the registry would; can be told to fail.
class MemorySink : public EventSink {
 public:
  struct State {
    std::mutex mu;
    std::map<std::string, api::Object> events;  // "ns/name"
    int creates = 0;
    int updates = 0;
    Status fail_creates;
  };
  explicit MemorySink(std::shared_ptr<State> s) : s_(std::move(s)) {}

  Status Create(const api::Object& ev) override {
    std::lock_guard lock(s_->mu);
    ++s_->creates;
    if (!s_->fail_creates.ok()) return s_->fail_creates;
    s_->events[ev.ns() + "/" + ev.name()] = ev;
    return Status::Ok();
  }
  Status UpdateSeries(const std::string& ns, const std::string& name, int64_t count,
                      const std::string& last) override {
    std::lock_guard lock(s_->mu);
    ++s_->updates;
    auto it = s_->events.find(ns + "/" + name);
    if (it == s_->events.end()) return Status::NotFound("event " + name);
    it->second.json()["series"] = {{"count", count}, {"lastObservedTime", last}};
    return Status::Ok();
  }

 private:
  std::shared_ptr<State> s_;
};

class EventsTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventRecorder> Make() {
    EventRecorderOptions o;
    o.reporting_controller = "berth.dev/stack-controller";
    o.reporting_instance = "host-1";
    o.clock = &clock_;
    return std::make_unique<EventRecorder>(std::make_unique<MemorySink>(state_), o);
  }
  std::vector<api::Object> Events() {
    std::lock_guard lock(state_->mu);
    std::vector<api::Object> out;
    for (auto& [k, v] : state_->events) out.push_back(v);
    return out;
  }

  FakeClock clock_;
  std::shared_ptr<MemorySink::State> state_ = std::make_shared<MemorySink::State>();
  api::Object stack_{
      api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "Stack"},
                {"metadata", {{"name", "share"}, {"namespace", "prod"}, {"uid", "uid-1"}}}}};
};

TEST_F(EventsTest, WritesAnEventAboutTheObject) {
  auto rec = Make();
  rec->Record(stack_, EventType::kNormal, "ContainerCreated", "Create",
              "created container share_gptload");
  ASSERT_TRUE(rec->Flush(20s));
  auto evs = Events();
  ASSERT_EQ(evs.size(), 1u);
  const api::Json& j = evs[0].json();
  EXPECT_EQ(j["apiVersion"], "berth.dev/v1alpha1");
  EXPECT_EQ(j["kind"], "Event");
  EXPECT_EQ(evs[0].ns(), "prod");
  ASSERT_EQ(evs[0].name().size(), std::string("share.").size() + 16);
  EXPECT_EQ(evs[0].name().rfind("share.", 0), 0u);
  EXPECT_EQ(j["regarding"], (api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                                       {"kind", "Stack"},
                                       {"namespace", "prod"},
                                       {"name", "share"},
                                       {"uid", "uid-1"}}));
  EXPECT_EQ(j["reason"], "ContainerCreated");
  EXPECT_EQ(j["note"], "created container share_gptload");
  EXPECT_EQ(j["type"], "Normal");
  EXPECT_EQ(j["action"], "Create");
  EXPECT_EQ(j["reportingController"], "berth.dev/stack-controller");
  EXPECT_EQ(j["reportingInstance"], "host-1");
  EXPECT_EQ(j["eventTime"], "2027-01-15T08:00:00.000000Z");
  EXPECT_FALSE(j.contains("series"));
}

TEST_F(EventsTest, RepeatsWithinTheWindowBecomeASeries) {
  auto rec = Make();
  rec->Record(stack_, EventType::kWarning, "JobFailed", "Start", "pg_init exited with 1");
  clock_.Advance(1min);
  rec->Record(stack_, EventType::kWarning, "JobFailed", "Start", "pg_init exited with 1");
  clock_.Advance(9min);
  rec->Record(stack_, EventType::kWarning, "JobFailed", "Start", "pg_init exited with 1");
  ASSERT_TRUE(rec->Flush(20s));
  auto evs = Events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].json()["series"],
            (api::Json{{"count", 3}, {"lastObservedTime", "2027-01-15T08:10:00.000000Z"}}));
  EXPECT_EQ(evs[0].json()["eventTime"], "2027-01-15T08:00:00.000000Z");
}

TEST_F(EventsTest, DifferentNoteTypeReasonOrObjectAreDifferentEvents) {
  auto rec = Make();
  api::Object other = stack_;
  other.mutable_metadata()["uid"] = "uid-2";  // same name, recreated object
  rec->Record(stack_, EventType::kWarning, "JobFailed", "Start", "exit 1");
  rec->Record(stack_, EventType::kWarning, "JobFailed", "Start", "exit 2");
  rec->Record(stack_, EventType::kNormal, "JobFailed", "Start", "exit 1");
  rec->Record(stack_, EventType::kWarning, "Unhealthy", "Start", "exit 1");
  rec->Record(other, EventType::kWarning, "JobFailed", "Start", "exit 1");
  ASSERT_TRUE(rec->Flush(20s));
  EXPECT_EQ(Events().size(), 5u);
}

TEST_F(EventsTest, AfterTheWindowANewEventStarts) {
  auto rec = Make();
  rec->Record(stack_, EventType::kNormal, "Pulled", "Pull", "pulled postgres:15");
  clock_.Advance(10min + 1s);
  rec->Record(stack_, EventType::kNormal, "Pulled", "Pull", "pulled postgres:15");
  ASSERT_TRUE(rec->Flush(20s));
  EXPECT_EQ(Events().size(), 2u);
}

TEST_F(EventsTest, ASeriesWhoseEventWasDeletedStartsOver) {
  auto rec = Make();
  rec->Record(stack_, EventType::kNormal, "Pulled", "Pull", "pulled postgres:15");
  ASSERT_TRUE(rec->Flush(20s));
  {
    std::lock_guard lock(state_->mu);
    state_->events.clear();
  }
  rec->Record(stack_, EventType::kNormal, "Pulled", "Pull", "pulled postgres:15");
  ASSERT_TRUE(rec->Flush(20s));
  auto evs = Events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_FALSE(evs[0].json().contains("series"));
  EXPECT_EQ(state_->updates, 1);
  EXPECT_EQ(state_->creates, 2);
}

TEST_F(EventsTest, FailuresAreSwallowed) {
  state_->fail_creates = Status::Unavailable("database down");
  auto rec = Make();
  rec->Record(stack_, EventType::kWarning, "Failed", "Create", "x");  // returns, no throw
  ASSERT_TRUE(rec->Flush(20s));
  EXPECT_TRUE(Events().empty());
  state_->fail_creates = Status::Ok();
  rec->Record(stack_, EventType::kWarning, "Failed", "Create", "x");
  ASSERT_TRUE(rec->Flush(20s));
  EXPECT_EQ(Events().size(), 1u);
}

TEST_F(EventsTest, LongNotesAndNamesAreCut) {
  auto rec = Make();
  api::Object big = stack_;
  big.set_name(std::string(250, 'n'));
  std::string note(1023, 'x');
  note += "\xc3\xa9\xc3\xa9";  // "éé": the 1024-byte cut falls inside the first
  rec->Record(big, EventType::kNormal, "Noted", "Note", note);
  ASSERT_TRUE(rec->Flush(20s));
  auto evs = Events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].json()["note"], std::string(1023, 'x'));
  EXPECT_EQ(evs[0].name().size(), 253u);
}

TEST_F(EventsTest, RecordsAboutAReference) {
  auto rec = Make();
  rec->Record(api::ObjectRef{"GpuNode", "", "gpu-b"}, EventType::kWarning, "Unreachable",
              "Heartbeat", "docker engine did not answer");
  ASSERT_TRUE(rec->Flush(20s));
  auto evs = Events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].ns(), "default") << "events about cluster-scoped objects";
  EXPECT_EQ(
      evs[0].json()["regarding"],
      (api::Json{{"apiVersion", "berth.dev/v1alpha1"}, {"kind", "GpuNode"}, {"name", "gpu-b"}}));
}

TEST(TruncateUtf8Test, CutsOnBoundaries) {
  EXPECT_EQ(TruncateUtf8("hello", 10), "hello");
  EXPECT_EQ(TruncateUtf8("hello", 3), "hel");
  EXPECT_EQ(TruncateUtf8("a\xe2\x82\xac", 3), "a");  // "a€": € is 3 bytes
  EXPECT_EQ(TruncateUtf8("a\xe2\x82\xac", 4), "a\xe2\x82\xac");
}

}  // namespace
}  // namespace berth::runtime
