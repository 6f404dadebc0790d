#include "operator/cli/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "test/cli/cli_test_support.h"

namespace berth::cli {
namespace {

using testing::TempDir;

struct Env {
  std::map<std::string, std::string> vars;
  std::function<std::optional<std::string>(const std::string&)> fn() const {
    return [this](const std::string& k) -> std::optional<std::string> {
      auto it = vars.find(k);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

ConfigFile File(const std::string& server, const std::string& token, const std::string& ns) {
  ConfigFile f;
  f.Set("server", server);
  f.Set("token", token);
  f.Set("namespace", ns);
  return f;
}

TEST(ConfigTest, FlagsBeatEnvBeatFileBeatDefault) {
  TempDir data;
  data.Write("admin.token", "local-admin\n");
  Defaults d{"http://127.0.0.1:7443", data.path()};
  ConfigFile file = File("https://file:1", "file-token", "file-ns");
  Env env;
  env.vars = {{"BERTH_SERVER", "https://env:1"},
              {"BERTH_TOKEN", "env-token"},
              {"BERTH_NAMESPACE", "env-ns"}};

  ConnectionFlags flags{"https://flag:1", "flag-token", "flag-ns", false, ""};
  Connection c = ResolveConnection(flags, env.fn(), file, d, RealFileSystem());
  EXPECT_EQ(c.server, "https://flag:1");
  EXPECT_EQ(c.token, "flag-token");
  EXPECT_EQ(c.ns, "flag-ns");
  EXPECT_EQ(c.server_source, "flag");

  c = ResolveConnection({}, env.fn(), file, d, RealFileSystem());
  EXPECT_EQ(c.server, "https://env:1");
  EXPECT_EQ(c.token, "env-token");
  EXPECT_EQ(c.ns, "env-ns");
  EXPECT_EQ(c.token_source, "env");

  c = ResolveConnection({}, Env{}.fn(), file, d, RealFileSystem());
  EXPECT_EQ(c.server, "https://file:1");
  EXPECT_EQ(c.token, "file-token");
  EXPECT_EQ(c.ns, "file-ns");
  EXPECT_EQ(c.server_source, "config");

  c = ResolveConnection({}, Env{}.fn(), ConfigFile{}, d, RealFileSystem());
  EXPECT_EQ(c.server, "http://127.0.0.1:7443");
  EXPECT_EQ(c.server_source, "default");
  EXPECT_EQ(c.token, "local-admin");
  EXPECT_EQ(c.token_source, "admin.token");
  EXPECT_EQ(c.ns, "default");
}

TEST(ConfigTest, EachSettingResolvesOnItsOwn) {
  TempDir data;
  Defaults d{"http://127.0.0.1:7443", data.path()};
  Env env;
  env.vars = {{"BERTH_TOKEN", "env-token"}};
  ConnectionFlags flags;
  flags.ns = "flag-ns";
  Connection c =
      ResolveConnection(flags, env.fn(), File("https://file:1", "", ""), d, RealFileSystem());
  EXPECT_EQ(c.server, "https://file:1");
  EXPECT_EQ(c.token, "env-token");
  EXPECT_EQ(c.ns, "flag-ns");
}

TEST(ConfigTest, AdminTokenIsNeverSentToAnotherServer) {
  TempDir data;
  data.Write("admin.token", "local-admin");
  Defaults d{"http://127.0.0.1:7443", data.path()};
  ConnectionFlags flags;
  flags.server = "https://elsewhere:7443";
  Connection c = ResolveConnection(flags, Env{}.fn(), ConfigFile{}, d, RealFileSystem());
  EXPECT_EQ(c.token, "");
  EXPECT_NE(UnauthorizedHint(c).find("no token was given"), std::string::npos);
  EXPECT_EQ(UnauthorizedHint(c).find("admin.token"), std::string::npos);
}

TEST(ConfigTest, MissingAdminTokenLeavesNoTokenAndAHint) {
  TempDir data;
  Defaults d{"http://127.0.0.1:7443", data.path()};
  Connection c = ResolveConnection({}, Env{}.fn(), ConfigFile{}, d, RealFileSystem());
  EXPECT_EQ(c.token, "");
  EXPECT_NE(UnauthorizedHint(c).find(data.path() + "/admin.token"), std::string::npos);
  c.token = "x";
  c.token_source = "env";
  EXPECT_EQ(UnauthorizedHint(c),
            "the token from BERTH_TOKEN was not accepted by http://127.0.0.1:7443");
}

TEST(ConfigTest, SaveAndLoadRoundTripWithMode0600AndKeepUnknownKeys) {
  TempDir home;
  std::string path = home.path() + "/.berth/config";
  Env env;
  env.vars = {{"HOME", home.path()}};
  EXPECT_EQ(ConfigPath(env.fn()), path);
  env.vars["BERTH_CONFIG"] = "/elsewhere/config";
  EXPECT_EQ(ConfigPath(env.fn()), "/elsewhere/config");

  auto empty = LoadConfig(RealFileSystem(), path);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->doc.empty());

  home.Write(".berth/config", "server: https://a:1\nextra: keep-me\n");
  auto f = LoadConfig(RealFileSystem(), path);
  ASSERT_TRUE(f.ok());
  f->Set("token", "t0k3n");
  ASSERT_TRUE(SaveConfig(RealFileSystem(), path, *f).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadConfig(RealFileSystem(), path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Get("server"), "https://a:1");
  EXPECT_EQ(again->Get("token"), "t0k3n");
  EXPECT_EQ(again->Get("extra"), "keep-me");
}

TEST(ConfigTest, MalformedFileNamesItsPath) {
  TempDir home;
  std::string path = home.Write("config", "server: [unclosed\n");
  auto f = LoadConfig(RealFileSystem(), path);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace berth::cli
