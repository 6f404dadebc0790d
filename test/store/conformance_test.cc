// The Store conformance suite, part 1: CRUD, revisions, List, paging, Count.
// Runs against every backend (see store_fixture.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test/store/store_fixture.h"

namespace berth::store::testing {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Keys(const ListResult& r) {
  std::vector<std::string> keys;
  for (const Record& rec : r.records) keys.push_back(rec.key);
  return keys;
}

TEST_P(StoreTest, BackendAndPing) {
  EXPECT_EQ(store_->Backend(), GetParam());
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_EQ(store_->CurrentRevision().value(), 0);
  EXPECT_EQ(store_->CompactedRevision().value(), 0);
}

TEST_P(StoreTest, CreateThenGet) {
  Result<Record> a = store_->Create("/a", "one");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->key, "/a");
  EXPECT_EQ(a->value, "one");
  EXPECT_EQ(a->create_revision, 1);
  EXPECT_EQ(a->mod_revision, 1);
  Result<Record> got = store_->Get("/a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value, "one");
  EXPECT_EQ(got->create_revision, 1);
  EXPECT_EQ(got->mod_revision, 1);
  EXPECT_EQ(store_->Get("/missing").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, CreateExistingIsAlreadyExistsAndWritesNothing) {
  ASSERT_TRUE(store_->Create("/a", "one").ok());
  Result<Record> again = store_->Create("/a", "two");
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->Get("/a")->value, "one");
  EXPECT_EQ(store_->CurrentRevision().value(), 1);
}

TEST_P(StoreTest, UpdateChecksTheRevision) {
  Record a = store_->Create("/a", "v1").value();
  Result<Record> u = store_->Update("/a", "v2", a.mod_revision);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->create_revision, a.create_revision);
  EXPECT_EQ(u->mod_revision, a.mod_revision + 1);
  // The old revision is stale now.
  EXPECT_EQ(store_->Update("/a", "v3", a.mod_revision).status().code(), Code::kConflict);
  EXPECT_EQ(store_->Update("/a", "v3", 0).status().code(), Code::kConflict);
  EXPECT_EQ(store_->Update("/missing", "x", 1).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Get("/a")->value, "v2");
  EXPECT_EQ(store_->CurrentRevision().value(), 2);  // failed writes raise nothing
}

TEST_P(StoreTest, DeleteConditionalAndUnconditional) {
  Record a = store_->Create("/a", "va").value();
  ASSERT_TRUE(store_->Create("/b", "vb").ok());
  EXPECT_EQ(store_->Delete("/a", a.mod_revision + 5).status().code(), Code::kConflict);
  Result<Record> d = store_->Delete("/a", a.mod_revision);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->value, "va");  // the last value
  EXPECT_EQ(d->create_revision, a.create_revision);
  EXPECT_EQ(d->mod_revision, 3);  // the deletion's revision
  EXPECT_EQ(store_->Get("/a").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Delete("/a", 0).status().code(), Code::kNotFound);
  Result<Record> b = store_->Delete("/b", 0);  // unconditional
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->mod_revision, 4);
  // Re-creating starts a new life.
  Record again = store_->Create("/a", "new").value();
  EXPECT_EQ(again.create_revision, 5);
}

TEST_P(StoreTest, EveryWriteRaisesTheRevisionByOne) {
  int64_t last = store_->CurrentRevision().value();
  for (int i = 0; i < 10; ++i) {
    std::string key = "/k" + std::to_string(i % 3);
    Result<Record> r = store_->Get(key);
    Result<Record> w = r.ok() ? (i % 2 ? store_->Update(key, "u", r->mod_revision)
                                       : store_->Delete(key, r->mod_revision))
                              : store_->Create(key, "c");
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(w->mod_revision, last + 1);
    last = w->mod_revision;
    EXPECT_EQ(store_->CurrentRevision().value(), last);
  }
}

TEST_P(StoreTest, ListIsOneSnapshotWithItsRevision) {
  for (const char* k : {"/a/b/2", "/a/b/1", "/a/bc/1", "/a/b", "/a/c", "/a/b/3"}) {
    ASSERT_TRUE(store_->Create(k, std::string("v") + k).ok());
  }
  ASSERT_TRUE(store_->Delete("/a/b/3", 0).ok());
  ListResult r = store_->List("/a/b/", "", 0).value();
  EXPECT_THAT(Keys(r), ElementsAre("/a/b/1", "/a/b/2"));  // not /a/bc/1, not /a/b
  EXPECT_EQ(r.revision, store_->CurrentRevision().value());
  EXPECT_FALSE(r.more);
  EXPECT_EQ(r.records[0].value, "v/a/b/1");
  EXPECT_EQ(r.records[0].create_revision, 2);
  EXPECT_EQ(store_->Count("/a/b/").value(), 2);
  EXPECT_EQ(store_->Count("/a/").value(), 5);
  EXPECT_EQ(store_->Count("").value(), 5);
  EXPECT_THAT(Keys(store_->List("/a/bc", "", 0).value()), ElementsAre("/a/bc/1"));
  EXPECT_EQ(store_->List("/zz/", "", 0)->records.size(), 0u);
}

TEST_P(StoreTest, ListRevisionMatchesItsRowsWhileWritersRun) {
  // Every write creates one key, so a consistent snapshot at revision R holds
  // exactly R keys: a List that read rows and revision at different moments
  // would show a mismatch.
  constexpr int kWrites = 150;
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      EXPECT_TRUE(store_->Create("/snap/" + std::to_string(i), "x").ok());
    }
    done = true;
  });
  int lists = 0;
  while (!done || lists == 0) {
    ListResult r = store_->List("/snap/", "", 0).value();
    ASSERT_EQ(static_cast<int64_t>(r.records.size()), r.revision);
    ++lists;
  }
  writer.join();
  EXPECT_EQ(store_->List("/snap/", "", 0)->revision, kWrites);
}

TEST_P(StoreTest, PagingWithStartAfterAndLimit) {
  std::vector<std::string> all;
  for (int i = 0; i < 25; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "/p/%02d", i);
    all.push_back(key);
    ASSERT_TRUE(store_->Create(key, "x").ok());
  }
  ASSERT_TRUE(store_->Create("/q/after", "x").ok());
  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  for (;;) {
    ListResult page = store_->List("/p/", after, 10).value();
    ++pages;
    for (const Record& r : page.records) seen.push_back(r.key);
    if (!page.more) break;
    ASSERT_EQ(page.records.size(), 10u);
    after = page.records.back().key;
  }
  EXPECT_EQ(seen, all);
  EXPECT_EQ(pages, 3);
  // A limit that exactly fits is not "more".
  ListResult exact = store_->List("/p/", "/p/14", 10).value();
  EXPECT_EQ(exact.records.size(), 10u);
  EXPECT_FALSE(exact.more);
}

TEST_P(StoreTest, KeysAndValuesAreBytes) {
  const std::string value("bin\0ary\xff\x01", 9);
  ASSERT_TRUE(store_->Create("/u/\xc3\xbc/\xe6\x97\xa5", value).ok());  // /u/ü/日
  ASSERT_TRUE(store_->Create("/u/\xc3\xbd", "y").ok());                 // /u/ý
  EXPECT_EQ(store_->Get("/u/\xc3\xbc/\xe6\x97\xa5")->value, value);
  EXPECT_THAT(Keys(store_->List("/u/\xc3\xbc", "", 0).value()),
              ElementsAre("/u/\xc3\xbc/\xe6\x97\xa5"));
  // Byte order: "/u/Z" < "/u/a" < "/u/ü".
  ASSERT_TRUE(store_->Create("/u/a", "").ok());
  ASSERT_TRUE(store_->Create("/u/Z", "").ok());
  EXPECT_THAT(Keys(store_->List("/u/", "", 0).value()),
              ElementsAre("/u/Z", "/u/a", "/u/\xc3\xbc/\xe6\x97\xa5", "/u/\xc3\xbd"));
  EXPECT_EQ(store_->Get("/u/a")->value, "");
}

TEST_P(StoreTest, EmptyKeyIsBadRequest) {
  EXPECT_EQ(store_->Create("", "x").status().code(), Code::kBadRequest);
}

}  // namespace
}  // namespace berth::store::testing
