// The Store conformance suite, part 4: Txn, several writes in one
// transaction (all or none, one revision each, seen in order by watchers),
// and a fence key that makes count-then-create safe across two Stores.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test/store/store_fixture.h"

namespace berth::store::testing {
namespace {

using Type = TxnOp::Type;

TEST_P(StoreTest, TxnWritesEveryOpWithConsecutiveRevisions) {
  Record a = store_->Create("/a", "a1").value();  // revision 1
  ASSERT_TRUE(store_->Create("/c", "c1").ok());   // revision 2
  Result<std::vector<Record>> r = store_->Txn({{Type::kUpdate, "/a", "a2", a.mod_revision},
                                               {Type::kCreate, "/b", "b1", 0},
                                               {Type::kDelete, "/c", "", 0}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].mod_revision, 3);
  EXPECT_EQ((*r)[1].mod_revision, 4);
  EXPECT_EQ((*r)[2].mod_revision, 5);
  EXPECT_EQ((*r)[2].value, "c1");  // a delete returns the last value
  EXPECT_EQ(store_->Get("/a")->value, "a2");
  EXPECT_EQ(store_->Get("/b")->value, "b1");
  EXPECT_EQ(store_->Get("/c").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CurrentRevision().value(), 5);
  EXPECT_TRUE(store_->Txn({}).ok());
  EXPECT_EQ(store_->Txn({{Type::kCreate, "", "x", 0}}).status().code(), Code::kBadRequest);
}

TEST_P(StoreTest, TxnIsAllOrNothing) {
  Record fence = store_->Create("/fence", "1").value();
  ASSERT_TRUE(store_->Create("/taken", "t").ok());
  // A stale fence: nothing is written, the revision does not move.
  Result<std::vector<Record>> stale = store_->Txn(
      {{Type::kUpdate, "/fence", "2", fence.mod_revision + 7}, {Type::kCreate, "/new", "n", 0}});
  EXPECT_EQ(stale.status().code(), Code::kConflict) << stale.status().ToString();
  // A failing op after a good one rolls the good one back.
  Result<std::vector<Record>> exists = store_->Txn(
      {{Type::kUpdate, "/fence", "2", fence.mod_revision}, {Type::kCreate, "/taken", "x", 0}});
  EXPECT_EQ(exists.status().code(), Code::kAlreadyExists) << exists.status().ToString();
  EXPECT_EQ(store_->Txn({{Type::kDelete, "/missing", "", 0}}).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Get("/new").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Get("/fence")->value, "1");
  EXPECT_EQ(store_->Get("/fence")->mod_revision, fence.mod_revision);
  EXPECT_EQ(store_->Get("/taken")->value, "t");
  EXPECT_EQ(store_->CurrentRevision().value(), 2);
}

TEST_P(StoreTest, TxnChangesReachWatchersInOrder) {
  auto w = store_->Watch("/", 0);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(store_->Txn({{Type::kCreate, "/x", "1", 0}, {Type::kCreate, "/y", "2", 0}}).ok());
  for (const char* key : {"/x", "/y"}) {
    Result<Event> e = (*w)->Next(std::chrono::seconds(10));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->type, EventType::kAdded);
    EXPECT_EQ(e->record.key, key);
  }
}

// The pattern the Instance quota uses: read the fence, count, then create
// the object and bump the fence in one Txn; a changed fence means someone
// else created meanwhile, so count again. Two Stores (two servers on one
// database), three threads each, never create more than the limit.
TEST_P(StoreTest, AFenceMakesCountThenCreateExactAcrossStores) {
  constexpr int kLimit = 7;
  constexpr int kAttempts = 10;  // per thread
  std::unique_ptr<Store> other = OpenStore();
  ASSERT_NE(other, nullptr);
  std::atomic<int> created = 0;
  std::atomic<int> refused = 0;
  std::atomic<int> next_name = 0;
  auto work = [&](Store* s) {
    for (int i = 0; i < kAttempts; ++i) {
      std::string key = "/objs/o" + std::to_string(next_name++);
      for (;;) {
        Result<Record> fence = s->Get("/fence");
        int64_t rev = fence.ok() ? fence->mod_revision : 0;
        Result<int64_t> n = s->Count("/objs/");
        ASSERT_TRUE(n.ok()) << n.status().ToString();
        if (*n >= kLimit) {
          ++refused;
          break;
        }
        TxnOp bump = rev == 0 ? TxnOp{Type::kCreate, "/fence", "1", 0}
                              : TxnOp{Type::kUpdate, "/fence", std::to_string(rev), rev};
        Result<std::vector<Record>> w = s->Txn({bump, {Type::kCreate, key, "v", 0}});
        if (w.ok()) {
          ++created;
          break;
        }
        // Someone else got there first: count again.
        ASSERT_TRUE(w.status().code() == Code::kConflict ||
                    w.status().code() == Code::kAlreadyExists)
            << w.status().ToString();
      }
    }
  };
  std::vector<std::thread> threads;
  for (Store* s :
       {store_.get(), store_.get(), store_.get(), other.get(), other.get(), other.get()}) {
    threads.emplace_back(work, s);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kLimit);
  EXPECT_EQ(refused.load(), 6 * kAttempts - kLimit);
  EXPECT_EQ(store_->Count("/objs/").value(), kLimit);
}

}  // namespace
}  // namespace berth::store::testing
