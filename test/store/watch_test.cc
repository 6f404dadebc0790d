// The Store conformance suite, part 2: Watch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "test/store/store_fixture.h"
#include "test/store/watch_helpers.h"

namespace berth::store::testing {
namespace {

using ::testing::ElementsAreArray;

TEST_P(StoreTest, WatchDeliversAddedModifiedDeletedUnderItsPrefix) {
  const int64_t start = store_->CurrentRevision().value();
  auto w = store_->Watch("/w/", start).value();
  Record a = store_->Create("/w/a", "v1").value();
  ASSERT_TRUE(store_->Create("/x/other", "no").ok());
  Record b = store_->Update("/w/a", "v2", a.mod_revision).value();
  Record d = store_->Delete("/w/a", 0).value();
  std::vector<Event> ev = Collect(*w, 3);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].type, EventType::kAdded);
  EXPECT_EQ(ev[0].record.value, "v1");
  EXPECT_EQ(ev[0].record.mod_revision, a.mod_revision);
  EXPECT_EQ(ev[0].record.create_revision, a.mod_revision);
  EXPECT_EQ(ev[1].type, EventType::kModified);
  EXPECT_EQ(ev[1].record.value, "v2");
  EXPECT_EQ(ev[1].record.mod_revision, b.mod_revision);
  EXPECT_EQ(ev[1].record.create_revision, a.create_revision);
  EXPECT_EQ(ev[2].type, EventType::kDeleted);
  EXPECT_EQ(ev[2].record.key, "/w/a");
  EXPECT_EQ(ev[2].record.value, "v2");                   // the last value
  EXPECT_EQ(ev[2].record.mod_revision, d.mod_revision);  // the deletion's revision
  EXPECT_EQ(ev[2].record.create_revision, a.create_revision);
  EXPECT_EQ(w->Progress(), d.mod_revision);
  // Nothing else arrives (the /x/ write was filtered out).
  EXPECT_EQ(w->Next(std::chrono::milliseconds(100)).status().code(), Code::kTimeout);
}

TEST_P(StoreTest, WatchFromAnOldRevisionReplaysThenContinuesLive) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Create("/k/" + std::to_string(i), "x").ok());
  auto w = store_->Watch("", 3).value();
  for (int i = 10; i < 15; ++i) ASSERT_TRUE(store_->Create("/k/" + std::to_string(i), "x").ok());
  std::vector<Event> ev = Collect(*w, 12);
  EXPECT_THAT(Revisions(ev), ElementsAreArray(Range(3, 15)));
  EXPECT_EQ(w->Next(std::chrono::milliseconds(100)).status().code(), Code::kTimeout);
}

TEST_P(StoreTest, WatchFromAFutureRevisionSkipsUpToIt) {
  const int64_t start = store_->CurrentRevision().value();
  auto w = store_->Watch("", start + 3).value();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Create("/f/" + std::to_string(i), "x").ok());
  EXPECT_THAT(Revisions(Collect(*w, 2)), ElementsAreArray(Range(start + 3, start + 5)));
}

TEST_P(StoreTest, ConcurrentWritersNoGapNoDuplicate) {
  constexpr int kThreads = 4;
  constexpr int kWrites = 40;
  constexpr int kTotal = kThreads * kWrites;
  auto w = store_->Watch("/c/", 0).value();
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        Status st =
            store_->Create("/c/" + std::to_string(t) + "/" + std::to_string(i), "x").status();
        EXPECT_TRUE(st.ok()) << st.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<Event> ev = Collect(*w, kTotal);
  EXPECT_THAT(Revisions(ev), ElementsAreArray(Range(0, kTotal)));
  EXPECT_EQ(w->Next(std::chrono::milliseconds(100)).status().code(), Code::kTimeout);
}

TEST_P(StoreTest, AnotherStoreOnTheSameDatabaseSeesEveryWrite) {
  // A second Store has its own connections and watch hub: it learns of the
  // first one's writes only through the database, as another process would.
  std::unique_ptr<Store> other = OpenStore();
  ASSERT_NE(other, nullptr);
  auto w = other->Watch("/o/", 0).value();
  constexpr int kWrites = 60;
  std::vector<std::chrono::steady_clock::time_point> written(kWrites + 1);
  std::vector<double> latency_ms;
  std::thread writer([&] {
    for (int i = 1; i <= kWrites; ++i) {
      written[static_cast<size_t>(i)] = std::chrono::steady_clock::now();
      EXPECT_TRUE(store_->Create("/o/" + std::to_string(i), "x").ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // paced, to measure latency
    }
  });
  std::vector<Event> ev;
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (ev.size() < kWrites && std::chrono::steady_clock::now() < until) {
    Result<Event> e = w->Next(std::chrono::milliseconds(200));
    if (!e.ok()) continue;
    auto now = std::chrono::steady_clock::now();
    latency_ms.push_back(std::chrono::duration<double, std::milli>(
                             now - written[static_cast<size_t>(e->record.mod_revision)])
                             .count());
    ev.push_back(std::move(e).value());
  }
  writer.join();
  EXPECT_THAT(Revisions(ev), ElementsAreArray(Range(0, kWrites)));
  std::sort(latency_ms.begin(), latency_ms.end());
  if (!latency_ms.empty()) {
    std::printf("[ %s ] write-to-watch latency across stores: p50 %.2f ms, max %.2f ms\n",
                GetParam().c_str(), latency_ms[latency_ms.size() / 2], latency_ms.back());
  }
}

TEST_P(StoreTest, ANewWatcherResumesFromProgressWithoutGapOrDuplicate) {
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(store_->Create("/r/" + std::to_string(i), "x").ok());
  auto first = store_->Watch("/r/", 0).value();
  std::vector<Event> part = Collect(*first, 10);
  ASSERT_EQ(part.size(), 10u);
  const int64_t resume = first->Progress();
  EXPECT_EQ(resume, 10);
  first->Stop();
  EXPECT_EQ(first->Next(std::chrono::milliseconds(10)).status().code(), Code::kCancelled);
  first->Stop();  // idempotent
  for (int i = 30; i < 35; ++i) ASSERT_TRUE(store_->Create("/r/" + std::to_string(i), "x").ok());
  auto second = store_->Watch("/r/", resume).value();
  EXPECT_THAT(Revisions(Collect(*second, 25)), ElementsAreArray(Range(10, 35)));
}

TEST_P(StoreTest, ProgressAdvancesWithoutEventsUnderThePrefix) {
  auto w = store_->Watch("/quiet/", 0).value();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Create("/loud/" + std::to_string(i), "x").ok());
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (w->Progress() < 5 && std::chrono::steady_clock::now() < until) {
    EXPECT_EQ(w->Next(std::chrono::milliseconds(20)).status().code(), Code::kTimeout);
  }
  EXPECT_EQ(w->Progress(), 5);
}

TEST_P(StoreTest, CompactionMakesOldRevisionsGone) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store_->Create("/h/" + std::to_string(i), "x").ok());
  ASSERT_TRUE(store_->Update("/h/0", "changed", 1).ok());  // revision 21
  ASSERT_TRUE(store_->Compact(10).ok());
  EXPECT_EQ(store_->CompactedRevision().value(), 10);
  EXPECT_EQ(store_->Watch("", 9).status().code(), Code::kGone);
  auto w = store_->Watch("", 10).value();
  EXPECT_THAT(Revisions(Collect(*w, 11)), ElementsAreArray(Range(10, 21)));
  // Current values are untouched, including those written at or below 10.
  EXPECT_EQ(store_->Count("/h/").value(), 20);
  EXPECT_EQ(store_->Get("/h/0")->value, "changed");
  EXPECT_EQ(store_->Get("/h/5")->mod_revision, 6);
  // Compaction is capped at the current revision and never goes back.
  ASSERT_TRUE(store_->Compact(1000).ok());
  EXPECT_EQ(store_->CompactedRevision().value(), 21);
  ASSERT_TRUE(store_->Compact(5).ok());
  EXPECT_EQ(store_->CompactedRevision().value(), 21);
  EXPECT_EQ(store_->Watch("", 20).status().code(), Code::kGone);
  auto live = store_->Watch("", 21).value();
  ASSERT_TRUE(store_->Create("/h/new", "x").ok());
  EXPECT_THAT(Revisions(Collect(*live, 1)), ElementsAreArray(Range(21, 22)));
}

TEST_P(StoreTest, BackgroundCompactorKeepsRecentHistory) {
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(store_->Create("/bc/" + std::to_string(i), "x").ok());
  auto compactor = StartCompactor(*store_, 10, std::chrono::milliseconds(10));
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (store_->CompactedRevision().value() < 20 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  compactor.reset();
  EXPECT_EQ(store_->CompactedRevision().value(), 20);
  EXPECT_EQ(store_->Watch("", 19).status().code(), Code::kGone);
  EXPECT_TRUE(store_->Watch("", 20).ok());
}

TEST_P(StoreTest, AWatcherThatFallsBehindItsBufferIsGone) {
  options_.watcher_buffer = 5;
  std::unique_ptr<Store> small = OpenStore();
  ASSERT_NE(small, nullptr);
  auto w = small->Watch("/g/", 0).value();
  auto marker = small->Watch("/m/", 0).value();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(small->Create("/g/" + std::to_string(i), "x").ok());
  // Events reach watchers in revision order, so once the marker's watcher has
  // the marker, `w` has been offered all 20 without reading one: it is behind
  // by more than its buffer however fast or slow the store delivered them.
  ASSERT_TRUE(small->Create("/m/done", "x").ok());
  Result<Event> m = marker->Next(kDeadline);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Status end;
  size_t events = 0;
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (std::chrono::steady_clock::now() < until) {
    Result<Event> e = w->Next(std::chrono::milliseconds(100));
    if (e.ok()) {
      ++events;
    } else if (e.status().code() != Code::kTimeout) {
      end = e.status();
      break;
    }
  }
  EXPECT_EQ(end.code(), Code::kGone) << end.ToString();
  EXPECT_LT(events, 20u);
  // A watcher from the backlog beyond the buffer is refused the same way.
  auto late = small->Watch("/g/", 0).value();
  EXPECT_EQ(late->Next(std::chrono::milliseconds(100)).status().code(), Code::kGone);
}

TEST_P(StoreTest, NextTimesOutAndStopCancels) {
  auto w = store_->Watch("", 0).value();
  EXPECT_EQ(w->Next(std::chrono::milliseconds(30)).status().code(), Code::kTimeout);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    w->Stop();
  });
  // A blocked Next wakes up on Stop, even one willing to wait forever.
  EXPECT_EQ(w->Next(std::chrono::milliseconds::max()).status().code(), Code::kCancelled);
  stopper.join();
}

TEST_P(StoreTest, ManyWatchersEachSeeOnlyTheirPrefix) {
  auto wa = store_->Watch("/m/a/", 0).value();
  auto wb = store_->Watch("/m/b/", 0).value();
  auto all = store_->Watch("/m/", 0).value();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        store_->Create(std::string(i % 2 ? "/m/a/" : "/m/b/") + std::to_string(i), "").ok());
  }
  EXPECT_THAT(Revisions(Collect(*wa, 3)), ElementsAreArray(std::vector<int64_t>{2, 4, 6}));
  EXPECT_THAT(Revisions(Collect(*wb, 3)), ElementsAreArray(std::vector<int64_t>{1, 3, 5}));
  EXPECT_THAT(Revisions(Collect(*all, 6)), ElementsAreArray(Range(0, 6)));
}

TEST_P(StoreTest, ClosingTheStoreEndsItsWatchers) {
  std::unique_ptr<Store> other = OpenStore();
  ASSERT_NE(other, nullptr);
  auto w = other->Watch("", 0).value();
  other.reset();
  EXPECT_EQ(w->Next(std::chrono::seconds(5)).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace berth::store::testing
