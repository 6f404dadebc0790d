// Real kubectl against a real `berth serve`: get, get -o yaml, apply (create,
// change, re-apply: the change lands and a dropped field goes away), delete -f,
// get -w seeing a change made with `berth apply`, and errors surfacing.
//
// Runs once per kubectl binary found: `kubectl` on PATH, $BERTH_KUBECTL_120
// (Debian's kubernetes-client 1.20, fetched by scripts/kubectl-1.20) and
// every path in $BERTH_KUBECTL_BINS (colon-separated). kubectl sends bearer
// tokens only over TLS, so the server runs with a self-signed certificate.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "test/e2e/serve_e2e_support.h"

namespace berth::e2e {
namespace {

namespace fs = std::filesystem;
using testing::Json;
constexpr const char* kStacks = "/apis/berth.dev/v1alpha1/namespaces/default/stacks";

struct Kubectl {
  std::string name;  // test-name suffix
  std::string path;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::vector<Kubectl> Binaries() {
  std::vector<Kubectl> out;
  if (RunCommand({"sh", "-c", "command -v kubectl"}).exit_code == 0)
    out.push_back({"path", "kubectl"});
  std::string k120 = Env("BERTH_KUBECTL_120");
  if (!k120.empty() && fs::exists(k120)) out.push_back({"v1_20", k120});
  std::string extra = Env("BERTH_KUBECTL_BINS");
  size_t start = 0;
  while (start < extra.size()) {
    size_t end = extra.find(':', start);
    if (end == std::string::npos) end = extra.size();
    std::string p = extra.substr(start, end - start);
    if (!p.empty() && fs::exists(p)) {
      std::string n = fs::path(p).filename().string();
      for (char& c : n) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      out.push_back({n, p});
    }
    start = end + 1;
  }
  if (out.empty()) out.push_back({"none", ""});
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

constexpr const char* kV1 = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata:
  name: web
  labels:
    app: web
    tier: front
spec:
  services:
    web:
      image: busybox:1
      command: ["httpd", "-f"]
)";

constexpr const char* kV2 = R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata:
  name: web
  labels:
    app: web
spec:
  services:
    web:
      image: busybox:2
)";

class KubectlTest : public ::testing::TestWithParam<Kubectl> {
 protected:
  void SetUp() override {
    if (GetParam().path.empty()) BERTH_E2E_SKIP_OR_FAIL("no kubectl binary found");
    ServeEnv::Config cfg;
    cfg.tls = true;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto why = env_.Start("kubectl-" + name, cfg);
    ASSERT_FALSE(why) << *why;
    admin_ = env_.admin_token();
    kubeconfig_ = Kubeconfig("admin", admin_);
  }

  std::string Kubeconfig(const std::string& user, const std::string& token) {
    std::string path = env_.dir() + "/kubeconfig-" + user;
    WriteFile(path,
              "apiVersion: v1\nkind: Config\nclusters:\n- name: berth\n  cluster:\n"
              "    server: " +
                  env_.url() + "\n    certificate-authority: " + env_.ca_file() +
                  "\nusers:\n- name: " + user + "\n  user:\n    token: " + token +
                  "\ncontexts:\n- name: berth\n  context: {cluster: berth, user: " + user +
                  ", namespace: default}\ncurrent-context: berth\n");
    return path;
  }

  std::vector<std::string> Argv(std::vector<std::string> args, const std::string& kubeconfig = "") {
    std::vector<std::string> argv = {GetParam().path, "--kubeconfig",
                                     kubeconfig.empty() ? kubeconfig_ : kubeconfig, "--cache-dir",
                                     env_.dir() + "/kube-cache"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  CommandResult Kubectl(std::vector<std::string> args, const std::string& kubeconfig = "") {
    auto r = RunCommand(Argv(std::move(args), kubeconfig), {{"HOME", env_.dir()}});
    return r;
  }

  std::string Manifest(const char* name, const char* text) {
    std::string path = env_.dir() + "/" + name;
    WriteFile(path, text);
    return path;
  }

  Json GetWeb() { return env_.Client(admin_).Get(std::string(kStacks) + "/web").json(); }

  ServeEnv env_;
  std::string admin_;
  std::string kubeconfig_;
};

TEST_P(KubectlTest, GetApplyReapplyDelete) {
  auto empty = Kubectl({"get", "stacks"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err << env_.log();
  EXPECT_NE((empty.out + empty.err).find("No resources found"), std::string::npos);

  std::string v1 = Manifest("web-v1.yaml", kV1), v2 = Manifest("web-v2.yaml", kV2);
  auto created = Kubectl({"apply", "-f", v1});
  ASSERT_EQ(created.exit_code, 0) << created.err << env_.log();
  EXPECT_NE(created.out.find("stack.berth.dev/web created"), std::string::npos) << created.out;

  auto table = Kubectl({"get", "stacks"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("NAME"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("READY"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("web"), std::string::npos) << table.out;
  auto shortname = Kubectl({"get", "st", "web"});
  EXPECT_EQ(shortname.exit_code, 0) << shortname.err;

  auto yaml = Kubectl({"get", "stack", "web", "-o", "yaml"});
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find("kind: Stack"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("image: busybox:1"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("tier: front"), std::string::npos) << yaml.out;

  auto reapplied = Kubectl({"apply", "-f", v2});
  ASSERT_EQ(reapplied.exit_code, 0) << reapplied.err << env_.log();
  EXPECT_NE(reapplied.out.find("configured"), std::string::npos) << reapplied.out;
  Json web = GetWeb();
  EXPECT_EQ(web["spec"]["services"]["web"]["image"], "busybox:2");
  EXPECT_FALSE(web["spec"]["services"]["web"].contains("command")) << web.dump();
  EXPECT_FALSE(web["metadata"]["labels"].contains("tier")) << web.dump();
  EXPECT_EQ(web["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(web["metadata"]["generation"], 2);

  auto unchanged = Kubectl({"apply", "-f", v2});
  EXPECT_EQ(unchanged.exit_code, 0) << unchanged.err;
  EXPECT_NE(unchanged.out.find("unchanged"), std::string::npos) << unchanged.out;

  auto deleted = Kubectl({"delete", "-f", v2});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err << env_.log();
  EXPECT_NE(deleted.out.find("deleted"), std::string::npos) << deleted.out;
  EXPECT_EQ(env_.Client(admin_).Get(std::string(kStacks) + "/web").code, 404);
}

// The lines of a `kubectl get -w -o custom-columns=...` output, split into
// whitespace-separated cells (the header included).
std::vector<std::vector<std::string>> Rows(const std::string& out) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    for (std::string c; cells >> c;) row.push_back(c);
    if (!row.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

long long Number(const std::string& s) {
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  return end != s.c_str() && *end == '\0' ? v : -1;
}

TEST_P(KubectlTest, WatchSeesAChangeMadeElsewhere) {
  // The change the watch must see is made with `berth apply`.
  if (!UsingRealBerth()) {
    BERTH_E2E_SKIP_OR_FAIL(
        "no berth binary for `berth apply` (set BERTH_BIN or build bin/berth); "
        "the server under test is " +
        ServerBinary());
  }
  ASSERT_EQ(Kubectl({"apply", "-f", Manifest("web-v1.yaml", kV1)}).exit_code, 0);
  // Two watches: one printing the image and resourceVersion of every event
  // (kubectl asks for objects), one with the default columns (kubectl asks
  // for Table rows, the server's other watch encoding).
  auto columns =
      Process::Start(Argv({"get", "stacks", "-w", "-o",
                           "custom-columns=NAME:.metadata.name,IMAGE:.spec.services.web.image,"
                           "RV:.metadata.resourceVersion"}),
                     env_.dir() + "/watch-columns.out", {{"HOME", env_.dir()}});
  auto table = Process::Start(Argv({"get", "stacks", "-w"}), env_.dir() + "/watch-table.out",
                              {{"HOME", env_.dir()}});
  ASSERT_TRUE(columns && table);
  auto eventually = [](const std::function<bool()>& cond) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return cond();
  };
  auto wait_for = [&](Process& p, const std::function<bool(const std::string&)>& seen) {
    return eventually([&] { return seen(p.Output()); });
  };
  auto contains = [](const std::string& text) {
    return [text](const std::string& out) { return out.find(text) != std::string::npos; };
  };
  // The listed state first: web at busybox:1.
  long long listed_rv = -1;
  ASSERT_TRUE(wait_for(*columns, [&](const std::string& out) {
    for (const auto& row : Rows(out)) {
      if (row.size() == 3 && row[0] == "web" && row[1] == "busybox:1") listed_rv = Number(row[2]);
    }
    return listed_rv > 0;
  })) << columns->Output();
  ASSERT_TRUE(wait_for(*table, contains("web"))) << table->Output();
  // Both watch requests must be open before anything changes, or a change
  // could fall between kubectl's list and its watch.
  bool open = eventually([&] {
    return env_.Client("").Get("/metrics").body.find("berth_apiserver_open_watches 2") !=
           std::string::npos;
  });
  ASSERT_TRUE(open) << "kubectl's watches did not open:\n"
                    << env_.Client("").Get("/metrics").body << columns->Output() << table->Output();

  auto applied =
      RunCommand({ServerBinary(), "apply", "-f", Manifest("web-v2.yaml", kV2), "--server",
                  env_.url(), "--token", admin_, "--certificate-authority", env_.ca_file()});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_NE(applied.out.find("stack.berth.dev/web configured"), std::string::npos) << applied.out;
  // kubectl's own watch output shows the new image, at a newer resourceVersion.
  long long changed_rv = -1;
  EXPECT_TRUE(wait_for(*columns,
                       [&](const std::string& out) {
                         for (const auto& row : Rows(out)) {
                           if (row.size() == 3 && row[0] == "web" && row[1] == "busybox:2")
                             changed_rv = Number(row[2]);
                         }
                         return changed_rv > listed_rv;
                       }))
      << "the watch did not see `berth apply`:\n"
      << columns->Output();

  // A status change through the API, which the default READY/STATUS columns show.
  auto st = env_.Client(admin_).Patch(std::string(kStacks) + "/web/status",
                                      R"({"status":{"ready":"1/1","phase":"Ready"}})");
  ASSERT_EQ(st.code, 200) << st.body;
  EXPECT_TRUE(wait_for(*table, contains("Ready"))) << table->Output();
  columns->Stop(SIGTERM);
  table->Stop(SIGTERM);
}

TEST_P(KubectlTest, ErrorsReachTheUser) {
  std::string bad = Manifest("bad.yaml", R"(apiVersion: berth.dev/v1alpha1
kind: Stack
metadata:
  name: bad
spec:
  services:
    web:
      image: busybox:1
      restart: sometimes
)");
  auto invalid = Kubectl({"apply", "-f", bad});
  EXPECT_NE(invalid.exit_code, 0);
  EXPECT_NE(invalid.err.find("spec.services.web.restart"), std::string::npos) << invalid.err;
  EXPECT_EQ(env_.Client(admin_).Get(std::string(kStacks) + "/bad").code, 404);

  auto viewer =
      env_.Client(admin_).Post("/auth/v1/tokens", Json{{"name", "v"}, {"role", "viewer"}});
  ASSERT_EQ(viewer.code, 201);
  std::string vcfg = Kubeconfig("viewer", viewer.json()["token"]);
  EXPECT_EQ(Kubectl({"get", "stacks"}, vcfg).exit_code, 0);
  auto denied = Kubectl({"apply", "-f", Manifest("ok.yaml", kV1)}, vcfg);
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(Lower(denied.err).find("forbidden"), std::string::npos) << denied.err;

  std::string nope = Kubeconfig("nobody", "berth_0123");
  auto unauthorized = Kubectl({"get", "stacks"}, nope);
  EXPECT_NE(unauthorized.exit_code, 0);
  EXPECT_NE(Lower(unauthorized.err).find("unauthorized"), std::string::npos) << unauthorized.err;
}

INSTANTIATE_TEST_SUITE_P(Kubectl, KubectlTest, ::testing::ValuesIn(Binaries()),
                         [](const auto& p) { return p.param.name; });

TEST(KubectlSetup, OldClientIsAvailableWhenRequired) {
  if (!RequireAll()) GTEST_SKIP() << "only checked with BERTH_TEST_REQUIRE_ALL=1";
  std::string k120 = Env("BERTH_KUBECTL_120");
  EXPECT_TRUE(!k120.empty() && fs::exists(k120))
      << "BERTH_KUBECTL_120 must name Debian's kubectl 1.20 (scripts/kubectl-1.20 fetches it)";
}

}  // namespace
}  // namespace berth::e2e
