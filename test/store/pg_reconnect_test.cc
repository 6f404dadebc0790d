// PostgreSQL only: what a Store does when its server sessions end under it
// (a database restart, a failover, an administrator's pg_terminate_backend).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/store/store_fixture.h"
#include "test/store/watch_helpers.h"

namespace berth::store::testing {
namespace {

using ::testing::ElementsAreArray;

class PgReconnectTest : public StoreTest {};

TEST_P(PgReconnectTest, WritesAndWatchersRideThroughKilledSessions) {
  auto w = store_->Watch("/k/", 0).value();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Create("/k/a" + std::to_string(i), "x").ok());
  ASSERT_EQ(Collect(*w, 10).size(), 10u);
  // Every session of the store (pool, watch hub, listener) is cut.
  ASSERT_TRUE(db_->TerminateSessions().ok());
  // Writes that meet a dead connection before COMMIT are retried on a new one.
  for (int i = 0; i < 10; ++i) {
    Result<Record> r = store_->Create("/k/b" + std::to_string(i), "x");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // The watcher resumes from where the hub was: no gap, no duplicate.
  EXPECT_THAT(Revisions(Collect(*w, 10)), ElementsAreArray(Range(10, 20)));
  EXPECT_EQ(w->Next(std::chrono::milliseconds(100)).status().code(), Code::kTimeout);
  // Another process's writes are seen again (the listener reconnected too).
  std::unique_ptr<Store> other = OpenStore();
  ASSERT_TRUE(db_->TerminateSessions().ok());
  ASSERT_TRUE(other->Create("/k/c", "x").ok());
  EXPECT_THAT(Revisions(Collect(*w, 1)), ElementsAreArray(Range(20, 21)));
}

TEST_P(PgReconnectTest, ReadsRecoverFromKilledSessions) {
  ASSERT_TRUE(store_->Create("/r", "x").ok());
  ASSERT_TRUE(db_->TerminateSessions().ok());
  EXPECT_TRUE(store_->Get("/r").ok());
  EXPECT_EQ(store_->List("", "", 0)->records.size(), 1u);
  EXPECT_TRUE(store_->Ping().ok());
}

INSTANTIATE_TEST_SUITE_P(Store, PgReconnectTest, ::testing::Values("postgresql"), BackendName);

}  // namespace
}  // namespace berth::store::testing
