// Disk full (issue 6): `berth serve` keeps its SQLite store on a data dir that
// is a small tmpfs, which a filler file then fills up. Writes
// through the API and the CLI must fail cleanly — 507 InsufficientStorage
// with a message that says the disk is full — while the server keeps running
// and serving reads; nothing stored before is lost or changed (every object
// reads back identical, Secret values decrypt to what was written, SQLite's
// integrity_check passes after the server stopped); once space is freed,
// writes work again without a restart. Needs root (mount); skipped otherwise
// unless BERTH_TEST_REQUIRE_ALL=1.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "operator/common/strings.h"
#include "test/e2e/stack_e2e_support.h"
#include "test/fault/fault_support.h"

namespace berth::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kSecrets = "/apis/berth.dev/v1alpha1/namespaces/default/secrets";
constexpr const char* kStacks = "/apis/berth.dev/v1alpha1/namespaces/diskfull/stacks";

json SecretDoc(const std::string& name, const std::string& value) {
  return {{"apiVersion", "berth.dev/v1alpha1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"stringData", {{"value", value}}}};
}

// A value of `size` bytes of its own per name.
std::string ValueFor(const std::string& name, size_t size) {
  std::string v;
  uint64_t x = std::hash<std::string>{}(name) | 1;
  while (v.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v += "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36];
  }
  return v;
}

// "ok", or what PRAGMA integrity_check reports for the database at `path`.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return why;
  }
  std::string out;
  auto collect = [](void* o, int n, char** vals, char**) {
    for (int i = 0; i < n; ++i) *static_cast<std::string*>(o) += vals[i] ? vals[i] : "NULL";
    return 0;
  };
  char* err = nullptr;
  if (sqlite3_exec(db, "PRAGMA integrity_check", collect, &out, &err) != SQLITE_OK) {
    out = std::string("integrity_check failed: ") + (err ? err : "");
    sqlite3_free(err);
  }
  sqlite3_close(db);
  return out;
}

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(BerthBinary())) BERTH_E2E_SKIP("no berth binary at " + BerthBinary());
    data_ = tmp_.path() + "/data";
    fs::create_directories(data_);
    if (auto why = mount_.Mount(data_, "16m")) BERTH_E2E_SKIP(*why);
    server_ = std::make_unique<StackServer>(tmp_.path());
    opts_.data_dir = data_;
    opts_.extra_args = {"--no-controllers", "--no-leader-elect"};
    if (auto why = server_->Start(opts_)) FAIL() << *why;
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      std::string log = server_->log();
      std::cerr << "---- berth serve log (tail)\n"
                << (log.size() > 8000 ? log.substr(log.size() - 8000) : log) << "\n";
    }
    server_.reset();   // stops it: the mount is busy while it runs
    mount_.Unmount();  // also when the test failed
  }

  HttpResult Api(const std::string& method, const std::string& path, const std::string& body = "") {
    return Http(server_->port(), method, path, server_->token(), body);
  }
  HttpResult CreateSecret(const std::string& name, size_t size) {
    return Api("POST", kSecrets, SecretDoc(name, ValueFor(name, size)).dump());
  }
  // The value of Secret `name` as read back (revealed, decoded); "" when unreadable.
  std::string SecretValue(const std::string& name) {
    HttpResult r = Api("GET", std::string(kSecrets) + "/" + name + "?reveal=true");
    json j = json::parse(r.body, nullptr, false);
    std::string out;
    if (r.status != 200 || !j.is_object() || !j.contains("data") ||
        !Base64Decode(j["data"].value("value", ""), &out)) {
      return "";
    }
    return out;
  }
  // Every object read now must equal what was read before.
  void ExpectUnchanged(const std::map<std::string, json>& before, const std::string& when) {
    for (const auto& [path, obj] : before) {
      HttpResult r = Api("GET", path);
      ASSERT_EQ(r.status, 200) << when << ": " << path << ": " << r.body;
      EXPECT_EQ(json::parse(r.body, nullptr, false), obj) << when << ": " << path;
    }
  }

  TempDir tmp_;
  fault::TmpfsMount mount_;  // after tmp_, before server_: unmounted after the server stops
  std::string data_;
  StackServer::Options opts_;
  std::unique_ptr<StackServer> server_;
};

TEST_F(DiskFull, WritesFailCleanlyReadsGoOnNothingIsCorruptedAndWritesResume) {
  // What is stored before the disk fills: Secrets (encrypted at rest) and a Stack.
  std::map<std::string, json> stored;  // path?reveal=true -> object
  for (int i = 0; i < 20; ++i) {
    std::string name = "before-" + std::to_string(i);
    HttpResult r = CreateSecret(name, 2000 + 100 * i);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  std::string stack = EditManifest(ReadFile(ManifestPath("test/share-stacks.yaml")),
                                   [](json& d) { d["metadata"]["namespace"] = "diskfull"; });
  RunResult applied = server_->Apply(stack);
  ASSERT_EQ(applied.code, 0) << applied.out << applied.err;
  for (int i = 0; i < 20; ++i) {
    stored[std::string(kSecrets) + "/before-" + std::to_string(i) + "?reveal=true"] = json();
  }
  stored[std::string(kStacks) + "/share-stacks"] = json();
  stored["/apis/berth.dev/v1alpha1/namespaces/diskfull/secrets/share-stacks?reveal=true"] = json();
  for (auto& [path, obj] : stored) {
    HttpResult r = Api("GET", path);
    ASSERT_EQ(r.status, 200) << path << ": " << r.body;
    obj = json::parse(r.body);
  }
  for (int i = 0; i < 20; ++i) {
    std::string name = "before-" + std::to_string(i);
    ASSERT_EQ(SecretValue(name), ValueFor(name, 2000 + 100 * i)) << name;
  }

  // Fill the filesystem to the last byte, then give back 256 KiB: the first
  // writes fit, and one runs out of space in the middle of its transaction.
  std::string why;
  auto filled = fault::FillWith(data_ + "/filler", &why);
  ASSERT_TRUE(filled) << why;
  ASSERT_EQ(::truncate((data_ + "/filler").c_str(), static_cast<off_t>(*filled - 256 * 1024)), 0);
  std::cout << "filler: " << *filled / 1024 - 256 << " KiB; free now: " << mount_.FreeBytes()
            << " bytes" << std::endl;

  // Writes: a few fit; then they fail, each one cleanly.
  std::vector<std::string> acked;
  int failures = 0;
  for (int i = 0; i < 400 && failures < 5; ++i) {
    std::string name = "during-" + std::to_string(i);
    HttpResult r = CreateSecret(name, 64 * 1024);
    if (r.status == 201) {  // acknowledged: it must be there for good
      acked.push_back(name);
      continue;
    }
    if (++failures == 1) std::cout << "refused: " << r.status << " " << r.body << std::endl;
    EXPECT_EQ(r.status, 507) << r.body;
    json st = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(st.is_object()) << r.body;
    EXPECT_EQ(st.value("reason", ""), "InsufficientStorage") << r.body;
    std::string msg = ToLowerCopy(st.value("message", ""));
    EXPECT_NE(msg.find("disk is full"), std::string::npos) << r.body;
  }
  ASSERT_GE(failures, 5) << "writes kept succeeding on a full disk (" << acked.size() << " acked)";
  std::cout << acked.size() << " writes were acknowledged on the full disk, " << failures
            << " refused" << std::endl;
  // The CLI says so too, and an update of an existing object fails the same way.
  RunResult cli = server_->Apply(SecretDoc("cli-during", ValueFor("cli-during", 64 * 1024)).dump());
  std::cout << "berth apply: exit " << cli.code << ": " << cli.err << std::flush;
  EXPECT_NE(cli.code, 0) << cli.out;
  EXPECT_NE(ToLowerCopy(cli.err).find("disk is full"), std::string::npos) << cli.err;
  json update = stored[std::string(kSecrets) + "/before-3?reveal=true"];
  update["stringData"] = {{"value", ValueFor("changed", 64 * 1024)}};
  HttpResult put = Api("PUT", std::string(kSecrets) + "/before-3", update.dump());
  EXPECT_EQ(put.status, 507) << put.body;

  // The server runs on and reads everything, unchanged.
  EXPECT_EQ(Http(server_->port(), "GET", "/healthz").status, 200);
  ExpectUnchanged(stored, "on a full disk");
  for (const std::string& name : acked) EXPECT_EQ(SecretValue(name), ValueFor(name, 64 * 1024));
  HttpResult list = Api("GET", kSecrets);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json::parse(list.body)["items"].size(), 20 + acked.size());

  // Space again: writes work at once, without a restart.
  fs::remove(data_ + "/filler");
  bool resumed = Eventually([&] { return CreateSecret("after-free", 64 * 1024).status == 201; },
                            seconds(30), std::chrono::milliseconds(200));
  ASSERT_TRUE(resumed) << CreateSecret("after-free-2", 1024).body;
  RunResult cli_after = server_->Apply(SecretDoc("cli-after", "fine").dump());
  EXPECT_EQ(cli_after.code, 0) << cli_after.out << cli_after.err;
  ExpectUnchanged(stored, "after freeing space");

  // Stopped: SQLite's own check of the file; started again: everything is there.
  EXPECT_EQ(server_->Terminate(), 0);
  EXPECT_EQ(IntegrityCheck(data_ + "/berth.db"), "ok");
  server_ = std::make_unique<StackServer>(tmp_.path());
  ASSERT_FALSE(server_->Start(opts_));
  ExpectUnchanged(stored, "after a restart");
  for (const std::string& name : acked) EXPECT_EQ(SecretValue(name), ValueFor(name, 64 * 1024));
  EXPECT_EQ(SecretValue("after-free"), ValueFor("after-free", 64 * 1024));
  EXPECT_EQ(SecretValue("cli-after"), "fine");
}

}  // namespace
}  // namespace berth::e2e
