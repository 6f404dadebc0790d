// Unit tests of the store's pure helpers, URL handling, the in-memory SQLite
// store and the SQLite error map.
#include <gtest/gtest.h>

#include "operator/store/postgres/pg_connection.h"
#include "operator/store/sql/keys.h"
#include "operator/store/sqlite/sqlite_connection.h"
#include "operator/store/store.h"
#include "test/store/store_test_support.h"

namespace berth::store {
namespace {

TEST(PrefixEndTest, RaisesTheLastCharacter) {
  EXPECT_EQ(sql::PrefixEnd("/a/b/"), "/a/b0");
  EXPECT_EQ(sql::PrefixEnd("a"), "b");
  EXPECT_EQ(sql::PrefixEnd(""), "");
  EXPECT_EQ(sql::PrefixEnd("\xc3\xbc"), "\xc3\xbd");            // ü -> ý
  EXPECT_EQ(sql::PrefixEnd("a\xc2\xbf"), "a\xc3\x80");          // U+00BF -> U+00C0
  EXPECT_EQ(sql::PrefixEnd("a\xed\x9f\xbf"), "a\xee\x80\x80");  // skips surrogates
  EXPECT_EQ(sql::PrefixEnd("a\xf4\x8f\xbf\xbf"), "b");          // U+10FFFF dropped
  EXPECT_EQ(sql::PrefixEnd("\xf4\x8f\xbf\xbf"), "");
  EXPECT_EQ(sql::PrefixEnd(std::string("a\xff\xff", 3)), "b");  // not UTF-8: bytes
  EXPECT_EQ(sql::PrefixEnd(std::string("\xff", 1)), "");
}

TEST(RedactUrlTest, HidesPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://berth:s3cret@127.0.0.1:5432/db"),
            "postgresql://berth:***@127.0.0.1:5432/db");
  EXPECT_EQ(RedactUrl("postgres://u:p@ss@h/db?sslmode=disable"),
            "postgres://u:***@h/db?sslmode=disable");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db?password=xyz&sslmode=require"),
            "postgresql://u@h/db?password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://h/db"), "postgresql://h/db");
  EXPECT_EQ(RedactUrl("sqlite:///var/lib/berth/store.db"), "sqlite:///var/lib/berth/store.db");
}

TEST(OpenTest, RejectsUnknownUrls) {
  EXPECT_EQ(Open("mysql://x").status().code(), Code::kBadRequest);
  EXPECT_EQ(Open("sqlite://").status().code(), Code::kBadRequest);
  EXPECT_EQ(Open("/just/a/path").status().code(), Code::kBadRequest);
  Result<std::unique_ptr<Store>> s = Open("postgresql://u:topsecret@127.0.0.1:1/db");
  EXPECT_EQ(s.status().code(), Code::kUnavailable);
  EXPECT_EQ(s.status().message().find("topsecret"), std::string::npos) << s.status().message();
}

TEST(OpenTest, SqliteCreatesMissingDirectories) {
  auto db = testing::TestDatabase::Create("sqlite").value();
  const std::string path = db->target() + ".d/nested/store.db";
  Result<std::unique_ptr<Store>> s = Open("sqlite://" + path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE((*s)->Create("/x", "y").ok());
  EXPECT_EQ((*s)->Backend(), "sqlite");
}

TEST(NumberPlaceholdersTest, SkipsQuotedText) {
  EXPECT_EQ(postgres::NumberPlaceholders("SELECT ? WHERE a = '?' AND \"?\" = ?"),
            "SELECT $1 WHERE a = '?' AND \"?\" = $2");
}

TEST(MemoryStoreTest, WorksForUnitTests) {
  Result<std::unique_ptr<Store>> s = Open("sqlite::memory:");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Store& store = **s;
  auto w = store.Watch("/", 0).value();
  ASSERT_TRUE(store.Create("/a", "1").ok());
  ASSERT_TRUE(store.Update("/a", "2", 1).ok());
  EXPECT_EQ(store.List("/", "", 0)->revision, 2);
  EXPECT_EQ(w->Next(std::chrono::seconds(10))->record.mod_revision, 1);
  EXPECT_EQ(w->Next(std::chrono::seconds(10))->record.mod_revision, 2);
  // Two memory stores are two databases.
  auto other = Open("sqlite::memory:").value();
  EXPECT_EQ(other->CurrentRevision().value(), 0);
}

TEST(SqliteErrorsTest, DiskFullIsResourceExhausted) {
  auto db = testing::TestDatabase::Create("sqlite").value();
  auto conn = sqlite::Connect(db->target(), std::chrono::seconds(1)).value();
  ASSERT_TRUE(conn->Exec("CREATE TABLE t (v BLOB)").ok());
  ASSERT_TRUE(conn->Exec("PRAGMA max_page_count = 8").ok());  // a tiny "disk"
  const std::string big(4096, 'x');
  Status st;
  for (int i = 0; i < 100 && st.ok(); ++i) {
    st = conn->Exec("INSERT INTO t (v) VALUES (?)", {sql::Blob{big}}).status();
  }
  EXPECT_EQ(st.code(), Code::kResourceExhausted) << st.ToString();
}

TEST(SqliteErrorsTest, UniqueViolationIsAlreadyExists) {
  auto conn = sqlite::Connect(":memory:", std::chrono::seconds(1)).value();
  ASSERT_TRUE(conn->Exec("CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(conn->Exec("INSERT INTO t (k) VALUES ('a')").ok());
  EXPECT_EQ(conn->Exec("INSERT INTO t (k) VALUES ('a')").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(conn->Exec("SELEC nonsense").status().code(), Code::kInternal);
}

TEST(SqliteErrorsTest, ALockHeldPastTheBusyTimeoutIsRetryableTimeout) {
  auto db = testing::TestDatabase::Create("sqlite").value();
  auto a = sqlite::Connect(db->target(), std::chrono::milliseconds(50)).value();
  auto b = sqlite::Connect(db->target(), std::chrono::milliseconds(50)).value();
  ASSERT_TRUE(a->Exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(a->Begin("BEGIN IMMEDIATE").ok());
  EXPECT_EQ(b->Begin("BEGIN IMMEDIATE").code(), Code::kTimeout);
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_TRUE(b->Begin("BEGIN IMMEDIATE").ok());
}

}  // namespace
}  // namespace berth::store
