// Secrets through a real registry on a real store (SQLite, and PostgreSQL
// when BERTH_TEST_PG_URL is set): the rows in the database hold no value in
// any form; a server with another key gets a clear error; apply records
// hashes; validation errors and kubectl's record never carry values.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <pqxx/pqxx>

#include "operator/api/catalog.h"
#include "operator/common/strings.h"
#include "operator/registry/registry.h"
#include "operator/secrets/admission.h"
#include "operator/secrets/sealer.h"
#include "operator/store/store.h"
#include "test/store/store_test_support.h"

namespace berth::secrets {
namespace {

using api::Json;
using store::testing::TestDatabase;

constexpr const char* kValue = "sk-live-5f1c0ffee0ddba11aa";
constexpr const char* kOther = "correct-horse-battery-staple";

KeyRing Ring(char fill) {
  return KeyRing::Make(std::string(kKeyBytes, fill)).value();
}

class RegistrySecretTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && store::testing::PgAdminUrl().empty()) {
      if (store::testing::RequireAll()) GTEST_FAIL() << "BERTH_TEST_PG_URL is not set";
      GTEST_SKIP() << "BERTH_TEST_PG_URL is not set (run scripts/pg-cluster start DIR)";
    }
    auto db = TestDatabase::Create(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto s = store::Open(db_->url());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin());
    InstallSecrets(*registry_, Ring('k'));
  }

  // Every value in the objects table and the change log, as stored.
  std::vector<std::string> RawValues() {
    std::vector<std::string> out;
    const char* tables[] = {"berth_objects", "berth_log"};
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      EXPECT_EQ(sqlite3_open_v2(db_->target().c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
                SQLITE_OK);
      for (const char* t : tables) {
        std::string sql = std::string("SELECT value FROM ") + t + " WHERE key LIKE '%secrets%'";
        sqlite3_stmt* stmt = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
          const void* blob = sqlite3_column_blob(stmt, 0);
          int n = sqlite3_column_bytes(stmt, 0);
          out.emplace_back(static_cast<const char*>(blob), static_cast<size_t>(n));
        }
        sqlite3_finalize(stmt);
      }
      sqlite3_close(db);
      return out;
    }
    pqxx::connection conn(db_->url());
    pqxx::nontransaction tx(conn);
    for (const char* t : tables) {
      for (const auto& row : tx.exec(std::string("SELECT convert_from(value, 'UTF8') FROM ") + t +
                                     " WHERE key LIKE '%secrets%'")) {
        out.push_back(row[0].as<std::string>());
      }
    }
    return out;
  }

  static Json SecretManifest(const std::string& name, const Json& string_data) {
    return Json{{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "Secret"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"stringData", string_data}};
  }

  static void ExpectNoValue(const std::string& text, const std::string& value) {
    EXPECT_EQ(text.find(value), std::string::npos) << text;
    EXPECT_EQ(text.find(Base64Encode(value)), std::string::npos) << text;
    EXPECT_EQ(text.find(Base64Encode(value).substr(0, 12)), std::string::npos) << text;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
};

TEST_P(RegistrySecretTest, StoredRowsHoldNoValueInAnyForm) {
  auto created = registry_->Create(api::Object(SecretManifest("openai", {{"apiKey", kValue}})));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  // Written a second time: the log holds two versions, neither readable.
  auto updated = registry_->Patch("Secret", "default", "openai", registry::PatchType::kMerge,
                                  Json{{"stringData", {{"other", kOther}}}}.dump(), false);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();

  std::vector<std::string> raw = RawValues();
  ASSERT_GE(raw.size(), 3u);  // the object row and two log entries
  for (const std::string& v : raw) {
    EXPECT_TRUE(AesGcmSealer::IsSealed(v)) << v.substr(0, 40);
    EXPECT_EQ(AesGcmSealer::KeyIdOf(v), Ring('k').primary().id);
    ExpectNoValue(v, kValue);
    ExpectNoValue(v, kOther);
    EXPECT_EQ(v.find("apiKey"), std::string::npos);
  }
  // Read back through the registry: data, base64, no stringData.
  auto got = registry_->Get("Secret", "default", "openai");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->json()["data"]["apiKey"], Base64Encode(kValue));
  EXPECT_EQ(got->json()["data"]["other"], Base64Encode(kOther));
  EXPECT_FALSE(got->json().contains("stringData"));
  auto list = registry_->List("Secret", "default");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].json()["data"]["apiKey"], Base64Encode(kValue));
}

TEST_P(RegistrySecretTest, AnotherKeyGetsAClearErrorWithoutValues) {
  ASSERT_TRUE(registry_->Create(api::Object(SecretManifest("openai", {{"apiKey", kValue}}))).ok());
  registry::Registry other(*store_, api::Catalog::Builtin());
  InstallSecrets(other, Ring('x'));
  auto got = other.Get("Secret", "default", "openai");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kInternal);
  std::string text = got.status().ToString();
  EXPECT_NE(text.find(Ring('k').primary().id), std::string::npos) << text;
  EXPECT_NE(text.find("BERTH_SECRET_KEY"), std::string::npos) << text;
  ExpectNoValue(text, kValue);
  EXPECT_FALSE(other.List("Secret", "default").ok());
  // With the old key in its ring it reads, and its next write re-seals with its own key.
  registry::Registry rotated(*store_, api::Catalog::Builtin());
  InstallSecrets(rotated,
                 KeyRing::Make(std::string(kKeyBytes, 'x'), {std::string(kKeyBytes, 'k')}).value());
  ASSERT_TRUE(rotated.Get("Secret", "default", "openai").ok());
  ASSERT_TRUE(rotated
                  .Patch("Secret", "default", "openai", registry::PatchType::kMerge,
                         R"({"metadata":{"labels":{"rotated":"yes"}}})", false)
                  .ok());
  auto rec = store_->Get("/registry/secrets/default/openai");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(AesGcmSealer::KeyIdOf(rec->value), Ring('x').primary().id);
}

TEST_P(RegistrySecretTest, ApplyRecordsHashesAndStaysIdempotent) {
  std::string manifest = SecretManifest("share", {{"a", kValue}, {"b", kOther}}).dump();
  auto first =
      registry_->Patch("Secret", "default", "share", registry::PatchType::kApply, manifest, false);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string record = first->annotations()["berth.dev/last-applied"];
  ASSERT_FALSE(record.empty());
  ExpectNoValue(record, kValue);
  ExpectNoValue(record, kOther);
  EXPECT_NE(record.find("sha256:" + Sha256Hex(kValue)), std::string::npos) << record;

  auto again =
      registry_->Patch("Secret", "default", "share", registry::PatchType::kApply, manifest, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->resource_version(), first->resource_version());  // nothing changed

  // Dropping key b from the manifest prunes it; a is kept.
  auto pruned = registry_->Patch("Secret", "default", "share", registry::PatchType::kApply,
                                 SecretManifest("share", {{"a", kValue}}).dump(), false);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_TRUE(pruned->json()["data"].contains("a"));
  EXPECT_EQ(pruned->json()["data"]["a"], Base64Encode(kValue));
}

TEST_P(RegistrySecretTest, KubectlRecordIsRewrittenWithHashes) {
  Json m = SecretManifest("k", {{"token", kValue}});
  m["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = m.dump();
  auto created = registry_->Create(api::Object(m));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::string rec = created->annotations()["kubectl.kubernetes.io/last-applied-configuration"];
  ExpectNoValue(rec, kValue);
  Json parsed = Json::parse(rec);
  EXPECT_EQ(parsed["stringData"]["token"], "sha256:" + Sha256Hex(kValue));
}

TEST_P(RegistrySecretTest, ValidationErrorsNeverEchoValues) {
  std::string long_value = "sk-" + std::string(120, 'Q') + "-tail";
  for (const std::string& bad : {std::string("sk-not base64 at all!"), long_value}) {
    Json m = SecretManifest("bad", Json::object());
    m.erase("stringData");
    m["data"] = {{"apiKey", bad}};
    auto res = registry_->Create(api::Object(m));
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.status().code(), Code::kInvalid);
    std::string text = res.status().ToString();
    EXPECT_NE(text.find("data.apiKey"), std::string::npos) << text;
    EXPECT_EQ(text.find("sk-not"), std::string::npos) << text;
    EXPECT_EQ(text.find("QQQQQQQQ"), std::string::npos) << text;
  }
  // Through a patch as well.
  ASSERT_TRUE(registry_->Create(api::Object(SecretManifest("p", {{"k", kValue}}))).ok());
  auto patched = registry_->Patch("Secret", "default", "p", registry::PatchType::kMerge,
                                  R"({"data":{"k":"sk-oops not base64"}})", false);
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(patched.status().ToString().find("sk-oops"), std::string::npos);
}

TEST_P(RegistrySecretTest, ImmutableSecretsKeepTheirData) {
  Json m = SecretManifest("fixed", {{"k", kValue}});
  m["immutable"] = true;
  ASSERT_TRUE(registry_->Create(api::Object(m)).ok());
  auto changed = registry_->Patch("Secret", "default", "fixed", registry::PatchType::kMerge,
                                  Json{{"stringData", {{"k", kOther}}}}.dump(), false);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), Code::kInvalid);
  ExpectNoValue(changed.status().ToString(), kOther);
  ExpectNoValue(changed.status().ToString(), kValue);
  EXPECT_FALSE(registry_
                   ->Patch("Secret", "default", "fixed", registry::PatchType::kMerge,
                           R"({"immutable":false})", false)
                   .ok());
  EXPECT_TRUE(registry_
                  ->Patch("Secret", "default", "fixed", registry::PatchType::kMerge,
                          R"({"metadata":{"labels":{"x":"y"}}})", false)
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistrySecretTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace berth::secrets
