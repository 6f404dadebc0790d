// The conformance suite's fixture: every TEST_P runs once per backend
// ("sqlite", "postgresql"), each on a fresh database. A backend whose server
// is missing is skipped, or fails under BERTH_TEST_REQUIRE_ALL=1.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "operator/store/store.h"
#include "test/store/store_test_support.h"

namespace berth::store::testing {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && PgAdminUrl().empty()) {
      if (RequireAll()) GTEST_FAIL() << "BERTH_TEST_PG_URL is not set";
      GTEST_SKIP() << "BERTH_TEST_PG_URL is not set (run scripts/pg-cluster start DIR)";
    }
    Result<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }

  // Another Store on the same database, as another process would open it.
  std::unique_ptr<Store> OpenStore() {
    Result<std::unique_ptr<Store>> s = Open(db_->url(), options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  Options options_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

// "Sqlite/StoreTest.X/sqlite" reads better as "StoreTest.X/sqlite".
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace berth::store::testing
