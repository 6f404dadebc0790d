#include "operator/runtime/informer.h"

#include <gtest/gtest.h>

#include "test/mocks/fake_clock.h"
#include "test/runtime/fake_lister_watcher.h"
#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using berth::testing::FakeClock;
using testing::FakeListerWatcher;
using testing::ListOf;
using testing::WaitFor;
using testing::Widget;

// Records handler calls as "add ns/name@rv", "update ns/name@rv->rv", "delete ns/name@rv".
EventHandler Recorder(testing::Log& log) {
  auto id = [](const api::Object& o) {
    return o.ns() + "/" + o.name() + "@" + o.resource_version();
  };
  EventHandler h;
  h.on_add = [&log, id](const api::Object& o) { log.Add("add " + id(o)); };
  h.on_update = [&log, id](const api::Object& a, const api::Object& b) {
    log.Add("update " + id(a) + "->" + b.resource_version());
  };
  h.on_delete = [&log, id](const api::Object& o) { log.Add("delete " + id(o)); };
  return h;
}

registry::WatchEvent Ev(const std::string& type, api::Object o) {
  return registry::WatchEvent{type, std::move(o)};
}

class InformerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Informer> Make(Clock* clock = nullptr) {
    InformerOptions o;
    o.kind = "Widget";
    o.clock = clock;
    o.check_interval = 5ms;
    o.backoff = {1ms, 5ms, 0.2};
    auto inf = std::make_unique<Informer>(std::make_unique<FakeListerWatcher>(lw_), o);
    inf->AddHandler(Recorder(log_));
    return inf;
  }

  std::shared_ptr<FakeListerWatcher::State> lw_ = std::make_shared<FakeListerWatcher::State>();
  testing::Log log_;
};

TEST_F(InformerTest, ListsThenWatchesFromTheListRevision) {
  lw_->AddList(ListOf({Widget("default", "a", "3"), Widget("team", "b", "4")}, "5"));
  auto inf = Make();
  EXPECT_FALSE(inf->HasSynced());
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(20s));
  EXPECT_EQ(log_.Lines(), (std::vector<std::string>{"add default/a@3", "add team/b@4"}));
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 1; }));
  EXPECT_EQ(lw_->watched_from, std::vector<std::string>{"5"});
  EXPECT_EQ(inf->List().size(), 2u);
  EXPECT_EQ(inf->List("team").size(), 1u);
  ASSERT_TRUE(inf->Get({"Widget", "default", "a"}).has_value());

  log_.Clear();
  auto w = lw_->Watch(0);
  w->Push(Ev("MODIFIED", Widget("default", "a", "6")));
  w->Push(Ev("DELETED", Widget("team", "b", "7")));
  w->Push(Ev("ADDED", Widget("default", "c", "8")));
  ASSERT_TRUE(WaitFor([&] { return log_.Size() == 3; }));
  EXPECT_EQ(log_.Lines(), (std::vector<std::string>{"update default/a@3->6", "delete team/b@7",
                                                    "add default/c@8"}));
  EXPECT_EQ(inf->Get({"Widget", "default", "a"})->resource_version(), "6");
  EXPECT_FALSE(inf->Get({"Widget", "team", "b"}).has_value());
  EXPECT_EQ(inf->Size(), 2u);
  inf->Stop();
  inf->Stop();  // idempotent
}

TEST_F(InformerTest, RelistAfterGoneTurnsVanishedKeysIntoDeletions) {
  lw_->AddList(ListOf({Widget("default", "a", "3"), Widget("default", "b", "4")}, "5"));
  lw_->AddList(ListOf({Widget("default", "a", "9"), Widget("default", "c", "10")}, "11"));
  auto inf = Make();
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(20s));
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 1; }));
  log_.Clear();
  lw_->Watch(0)->Push(Status::Gone("compacted"));
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 2; }));
  EXPECT_EQ(lw_->ListCalls(), 2);
  EXPECT_EQ(lw_->watched_from, (std::vector<std::string>{"5", "11"}));
  EXPECT_EQ(log_.Lines(), (std::vector<std::string>{"update default/a@3->9", "add default/c@10",
                                                    "delete default/b@4"}));
  EXPECT_EQ(inf->Size(), 2u);
}

TEST_F(InformerTest, RelistWithoutChangesCallsNoHandler) {
  lw_->AddList(ListOf({Widget("default", "a", "3")}, "5"));
  auto inf = Make();
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 1; }));
  lw_->Watch(0)->Push(Status::Unavailable("database down"));
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 2; }));
  EXPECT_EQ(log_.Lines(), std::vector<std::string>{"add default/a@3"});
}

TEST_F(InformerTest, RetriesFailedListsAndWatchesWithBackoff) {
  lw_->AddList(Status::Unavailable("database down"));
  lw_->AddList(Status::Unavailable("database down"));
  lw_->AddList(ListOf({Widget("default", "a", "3")}, "5"));
  {
    std::lock_guard lock(lw_->mu);
    lw_->watch_error = Status::Unavailable("database down");
  }
  auto inf = Make();
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(20s));
  EXPECT_GE(lw_->ListCalls(), 3);
  ASSERT_TRUE(WaitFor([&] { return lw_->ListCalls() >= 5; })) << "watch failures re-list";
  {
    std::lock_guard lock(lw_->mu);
    lw_->watch_error = Status::Ok();
  }
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 1; }));
  EXPECT_EQ(log_.Lines(), std::vector<std::string>{"add default/a@3"});
}

TEST_F(InformerTest, ResyncPassesEveryCachedObjectToOnUpdate) {
  FakeClock clock;
  lw_->AddList(ListOf({Widget("default", "a", "3"), Widget("default", "b", "4")}, "5"));
  InformerOptions o;
  o.kind = "Widget";
  o.clock = &clock;
  o.check_interval = 5ms;
  o.resync_period = 10min;
  Informer inf(std::make_unique<FakeListerWatcher>(lw_), o);
  inf.AddHandler(Recorder(log_));
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(20s));
  ASSERT_TRUE(WaitFor([&] { return lw_->Watches() == 1; }));
  log_.Clear();
  clock.Advance(10min);
  ASSERT_TRUE(WaitFor([&] { return log_.Size() == 2; }));
  EXPECT_EQ(log_.Lines(),
            (std::vector<std::string>{"update default/a@3->3", "update default/b@4->4"}));
  log_.Clear();
  clock.Advance(10min);
  ASSERT_TRUE(WaitFor([&] { return log_.Size() == 2; })) << "and again every period";
}

TEST_F(InformerTest, StopBeforeSyncEndsWaitForSync) {
  lw_->AddList(Status::Unavailable("database down"));
  auto inf = Make();
  ASSERT_TRUE(inf->Start().ok());
  inf->Stop();
  EXPECT_FALSE(inf->WaitForSync(20s));
  EXPECT_FALSE(inf->HasSynced());
}

TEST_F(InformerTest, ListWithPredicate) {
  lw_->AddList(ListOf(
      {Widget("default", "a", "3", {{"size", 1}}), Widget("default", "b", "4", {{"size", 2}})},
      "5"));
  auto inf = Make();
  ASSERT_TRUE(inf->Start().ok());
  ASSERT_TRUE(inf->WaitForSync(20s));
  auto big = inf->List([](const api::Object& o) { return o.spec().value("size", 0) > 1; });
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0].name(), "b");
}

}  // namespace
}  // namespace berth::runtime
