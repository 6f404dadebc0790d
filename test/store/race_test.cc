// The Store conformance suite, part 3: racing writers in threads, and schema
// migration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <set>
#include <thread>

#include "operator/store/postgres/pg_connection.h"
#include "operator/store/sql/migrate.h"
#include "operator/store/sqlite/sqlite_connection.h"
#include "test/store/store_fixture.h"

namespace berth::store::testing {
namespace {

TEST_P(StoreTest, RacingThreadsExactlyOneUpdateWinsEachRound) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 25;
  ASSERT_TRUE(store_->Create("/counter", "0").ok());
  std::barrier sync(kThreads);
  std::vector<int> wins_per_round(kRounds, 0);
  std::mutex mu;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        sync.arrive_and_wait();  // everyone reads the same revision...
        Record cur = store_->Get("/counter").value();
        sync.arrive_and_wait();  // ...then everyone tries to write
        Result<Record> w =
            store_->Update("/counter", std::to_string(std::stoi(cur.value) + 1), cur.mod_revision);
        if (w.ok()) {
          std::lock_guard lock(mu);
          ++wins_per_round[static_cast<size_t>(round)];
        } else {
          EXPECT_EQ(w.status().code(), Code::kConflict) << w.status().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(wins_per_round[static_cast<size_t>(round)], 1) << "round " << round;
  }
  Record final = store_->Get("/counter").value();
  EXPECT_EQ(final.value, std::to_string(kRounds));  // no lost update
  EXPECT_EQ(final.mod_revision, 1 + kRounds);
}

TEST_P(StoreTest, RacingStoresIncrementWithoutLostUpdates) {
  // Two Stores (separate connections, as two processes would have), two
  // threads each, retrying on Conflict until each made its increments.
  constexpr int kPerThread = 15;
  std::unique_ptr<Store> other = OpenStore();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(store_->Create("/n", "0").ok());
  std::mutex mu;
  std::set<int64_t> won_from;  // each revision is the base of exactly one win
  std::atomic<int> wins = 0;
  auto work = [&](Store* s) {
    for (int done = 0; done < kPerThread;) {
      Record cur = s->Get("/n").value();
      Result<Record> w =
          s->Update("/n", std::to_string(std::stoi(cur.value) + 1), cur.mod_revision);
      if (w.ok()) {
        ++done;
        ++wins;
        std::lock_guard lock(mu);
        EXPECT_TRUE(won_from.insert(cur.mod_revision).second) << cur.mod_revision;
      } else {
        ASSERT_EQ(w.status().code(), Code::kConflict) << w.status().ToString();
      }
    }
  };
  std::vector<std::thread> threads;
  for (Store* s : {store_.get(), store_.get(), other.get(), other.get()}) {
    threads.emplace_back(work, s);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 4 * kPerThread);
  EXPECT_EQ(store_->Get("/n")->value, std::to_string(4 * kPerThread));
}

// A raw connection to a fresh database of this backend, for schema tests.
Result<std::unique_ptr<sql::SqlConnection>> Connect(const TestDatabase& db) {
  if (db.backend() == "sqlite") return sqlite::Connect(db.target(), std::chrono::seconds(10));
  return postgres::Connect(db.target(), std::chrono::seconds(10));
}

const sql::Dialect& DialectOf(const TestDatabase& db) {
  return db.backend() == "sqlite" ? sqlite::SqliteDialect() : postgres::PostgresDialect();
}

TEST_P(StoreTest, OpeningMigratesAnOldSchemaAndRecordsTheVersion) {
  std::unique_ptr<TestDatabase> old = TestDatabase::Create(GetParam()).value();
  auto conn = Connect(*old).value();
  const sql::Dialect& dialect = DialectOf(*old);
  EXPECT_EQ(sql::SchemaVersion(*conn, dialect).value(), 0);
  ASSERT_TRUE(sql::Migrate(*conn, dialect, 1).ok());  // a database made by an older berth
  EXPECT_EQ(sql::SchemaVersion(*conn, dialect).value(), 1);
  ASSERT_TRUE(conn->Exec("UPDATE berth_revision SET rev = 7 WHERE id = 1").ok());

  Result<std::unique_ptr<Store>> s = Open(old->url());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const int newest = static_cast<int>(dialect.migrations.size());
  EXPECT_EQ(sql::SchemaVersion(*conn, dialect).value(), newest);
  EXPECT_EQ((*s)->CurrentRevision().value(), 7);  // data kept
  EXPECT_EQ((*s)->Create("/after", "x")->mod_revision, 8);
  s->reset();
  // Opening again changes nothing.
  ASSERT_TRUE(Open(old->url()).ok());
  EXPECT_EQ(sql::SchemaVersion(*conn, dialect).value(), newest);
}

TEST_P(StoreTest, ASchemaNewerThanThisBinaryIsRefused) {
  std::unique_ptr<TestDatabase> db = TestDatabase::Create(GetParam()).value();
  ASSERT_TRUE(Open(db->url()).ok());
  auto conn = Connect(*db).value();
  ASSERT_TRUE(conn->Exec("UPDATE berth_meta SET value = '99' WHERE key = 'schema_version'").ok());
  Result<std::unique_ptr<Store>> s = Open(db->url());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kUnavailable);
  EXPECT_THAT(s.status().message(), ::testing::HasSubstr("version 99"));
}

TEST_P(StoreTest, ConcurrentOpensMigrateOnce) {
  std::unique_ptr<TestDatabase> db = TestDatabase::Create(GetParam()).value();
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  threads.reserve(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      Result<std::unique_ptr<Store>> s = Open(db->url());
      EXPECT_TRUE(s.ok()) << s.status().ToString();
      if (s.ok() && (*s)->CurrentRevision().ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  auto conn = Connect(*db).value();
  EXPECT_EQ(sql::SchemaVersion(*conn, DialectOf(*db)).value(),
            static_cast<int>(DialectOf(*db).migrations.size()));
}

}  // namespace
}  // namespace berth::store::testing
