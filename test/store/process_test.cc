// The Store conformance suite, part 4: other processes on the same database
// (store_race_helper), on every backend: racing writers, cross-process watch,
// resumption after restarts, durability across kill -9, busy handling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "test/store/store_fixture.h"
#include "test/store/watch_helpers.h"

namespace berth::store::testing {
namespace {

using ::testing::ElementsAreArray;

class StoreProcessTest : public StoreTest {
 protected:
  std::unique_ptr<Subprocess> Helper(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {std::string(BERTH_BINARY_DIR) + "/tests/store_race_helper"};
    argv.insert(argv.end(), args.begin(), args.end());
    Result<std::unique_ptr<Subprocess>> p = Subprocess::Start(argv);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(p).value() : nullptr;
  }
};

struct Ack {
  int64_t revision = 0;
  std::string key;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};

// Parses the helper's "ack <rev> <key> <ns-before> <ns-after>" lines.
std::vector<Ack> Acks(const std::vector<std::string>& lines) {
  std::vector<Ack> out;
  for (const std::string& line : lines) {
    std::istringstream in(line);
    std::string word;
    Ack a;
    if (in >> word >> a.revision >> a.key >> a.start_ns >> a.end_ns && word == "ack")
      out.push_back(a);
  }
  return out;
}

TEST_P(StoreProcessTest, TwoProcessesRacingOnOneKeyLoseNoUpdate) {
  constexpr int kPerProcess = 30;
  ASSERT_TRUE(store_->Create("/race", "0").ok());
  auto a = Helper({"increment", db_->url(), "/race", std::to_string(kPerProcess)});
  auto b = Helper({"increment", db_->url(), "/race", std::to_string(kPerProcess)});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Wait(), 0);
  EXPECT_EQ(b->Wait(), 0);
  // Every revision of the key was the base of exactly one successful update.
  std::set<int64_t> bases;
  for (auto* p : {a.get(), b.get()}) {
    for (const std::string& line : p->Lines()) {
      ASSERT_EQ(line.rfind("won ", 0), 0u) << line;
      EXPECT_TRUE(bases.insert(std::stoll(line.substr(4))).second) << "two winners from " << line;
    }
  }
  EXPECT_EQ(bases.size(), 2u * kPerProcess);
  Record final = store_->Get("/race").value();
  EXPECT_EQ(final.value, std::to_string(2 * kPerProcess));
  EXPECT_EQ(final.mod_revision, 1 + 2 * kPerProcess);
  EXPECT_EQ(*bases.begin(), 1);
  EXPECT_EQ(*bases.rbegin(), 2 * kPerProcess);
}

TEST_P(StoreProcessTest, AWatchSeesEveryWriteOfAnotherProcessInOrder) {
  constexpr size_t kThreads = 3;
  constexpr size_t kPerThread = 60;
  const int64_t start = store_->CurrentRevision().value();
  auto w = store_->Watch("/p/", start).value();
  auto child =
      Helper({"write", db_->url(), "/p/", std::to_string(kPerThread), std::to_string(kThreads)});
  ASSERT_TRUE(child);
  std::vector<Event> events;
  std::vector<int64_t> seen_ns;
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (events.size() < kThreads * kPerThread && std::chrono::steady_clock::now() < until) {
    Result<Event> e = w->Next(std::chrono::milliseconds(200));
    if (!e.ok()) {
      ASSERT_EQ(e.status().code(), Code::kTimeout) << e.status().ToString();
      continue;
    }
    seen_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count());
    events.push_back(std::move(e).value());
  }
  ASSERT_EQ(child->Wait(), 0);
  EXPECT_THAT(Revisions(events),
              ElementsAreArray(Range(start, start + static_cast<int64_t>(kThreads * kPerThread))));
  // Each event matches what the child was told it wrote.
  std::map<int64_t, Ack> acks;
  for (const Ack& a : Acks(child->Lines())) acks[a.revision] = a;
  ASSERT_EQ(acks.size(), kThreads * kPerThread);
  // Latency, from the writer's call and from its acknowledgment (the watcher
  // may see a write before the writer's call returns: counted as 0).
  std::vector<double> from_call, from_ack;
  for (size_t i = 0; i < events.size(); ++i) {
    const Ack& a = acks[events[i].record.mod_revision];
    EXPECT_EQ(events[i].record.key, a.key);
    EXPECT_EQ(events[i].record.value, "value of " + a.key);
    from_call.push_back(static_cast<double>(seen_ns[i] - a.start_ns) / 1e6);
    from_ack.push_back(std::max(0.0, static_cast<double>(seen_ns[i] - a.end_ns) / 1e6));
  }
  for (auto* v : {&from_call, &from_ack}) std::sort(v->begin(), v->end());
  if (!from_ack.empty()) {
    std::printf(
        "[ %s ] another process's writes (%zu, %zu threads) seen by this watch: from the write "
        "call p50 %.2f / p99 %.2f ms, from its ack p50 %.2f / p99 %.2f ms\n",
        GetParam().c_str(), from_ack.size(), kThreads, from_call[from_call.size() / 2],
        from_call[from_call.size() * 99 / 100], from_ack[from_ack.size() / 2],
        from_ack[from_ack.size() * 99 / 100]);
  }
}

TEST_P(StoreProcessTest, AWatchResumesAfterWriterAndWatcherRestart) {
  auto first_writer = Helper({"write", db_->url(), "/s/a", "40", "1"});
  ASSERT_TRUE(first_writer);
  ASSERT_EQ(first_writer->Wait(), 0);
  // The watcher reads part of the history, remembers where it stopped, and
  // goes away with its whole Store (a watcher process restarting).
  int64_t resume = 0;
  {
    std::unique_ptr<Store> watcher_store = OpenStore();
    ASSERT_NE(watcher_store, nullptr);
    auto w = watcher_store->Watch("/s/", 0).value();
    std::vector<Event> part = Collect(*w, 25);
    ASSERT_EQ(part.size(), 25u);
    resume = w->Progress();
    EXPECT_EQ(resume, 25);
  }
  auto second_writer = Helper({"write", db_->url(), "/s/b", "40", "1"});
  ASSERT_TRUE(second_writer);
  ASSERT_EQ(second_writer->Wait(), 0);
  std::unique_ptr<Store> restarted = OpenStore();
  ASSERT_NE(restarted, nullptr);
  auto w = restarted->Watch("/s/", resume).value();
  auto third_writer = Helper({"write", db_->url(), "/s/c", "10", "1"});  // live, meanwhile
  ASSERT_TRUE(third_writer);
  std::vector<Event> rest = Collect(*w, 65);
  ASSERT_EQ(third_writer->Wait(), 0);
  EXPECT_THAT(Revisions(rest), ElementsAreArray(Range(resume, 90)));
}

TEST_P(StoreProcessTest, AcknowledgedWritesSurviveKill9OfTheWriter) {
  auto child = Helper({"write", db_->url(), "/d/", "1000000", "2"});
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->WaitForLines(150, kDeadline)) << "the writer acknowledged too little";
  child->Kill9();
  EXPECT_EQ(child->Wait(), 128 + 9);
  std::vector<Ack> acks = Acks(child->Lines());  // every line it printed before dying
  ASSERT_GE(acks.size(), 150u);
  std::unique_ptr<Store> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  for (const Ack& a : acks) {
    Result<Record> r = reopened->Get(a.key);
    ASSERT_TRUE(r.ok()) << a.key << " was acknowledged at " << a.revision
                        << " but is lost: " << r.status().ToString();
    EXPECT_EQ(r->mod_revision, a.revision);
  }
  // The store is consistent and writable after the crash.
  const int64_t current = reopened->CurrentRevision().value();
  EXPECT_GE(current, static_cast<int64_t>(acks.size()));
  EXPECT_EQ(reopened->Count("/d/").value(), current);
  EXPECT_EQ(reopened->Create("/d/after", "x")->mod_revision, current + 1);
  std::printf("[ %s ] %zu acknowledged writes before kill -9, all found\n", GetParam().c_str(),
              acks.size());
}

TEST_P(StoreProcessTest, TwoProcessesHammeringTheSameDatabaseNeverSeeBusy) {
  auto a = Helper({"hammer", db_->url(), "/hammer/a/", "300"});
  auto b = Helper({"hammer", db_->url(), "/hammer/b/", "300"});
  ASSERT_TRUE(a && b);
  // The parent hammers too, with its own connections.
  for (int i = 0; i < 100; ++i) {
    Status st = store_->Create("/hammer/parent/" + std::to_string(i), "x").status();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_EQ(a->Wait(), 0);
  EXPECT_EQ(b->Wait(), 0);
  EXPECT_THAT(a->Lines(), ElementsAreArray({"done"}));
  EXPECT_THAT(b->Lines(), ElementsAreArray({"done"}));
}

INSTANTIATE_TEST_SUITE_P(Store, StoreProcessTest, ::testing::Values("sqlite", "postgresql"),
                         BackendName);

}  // namespace
}  // namespace berth::store::testing
