// Discovery, tables, /metrics, /readyz, the log subresource and TLS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include "test/apiserver/fixture.h"

namespace berth::testing {
namespace {

constexpr const char* kTableAccept =
    "Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
    "g=meta.k8s.io,application/json";

class DiscoveryTest : public ApiServerTest {};

TEST_F(DiscoveryTest, Shapes) {
  auto api = Admin().Get("/api");
  ASSERT_EQ(api.code, 200);
  EXPECT_EQ(api.json()["kind"], "APIVersions");

  // Asked for aggregated discovery, berth answers plain JSON discovery.
  auto apis = Admin().Get(
      "/apis", {"Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                "application/json"});
  ASSERT_EQ(apis.code, 200);
  EXPECT_EQ(apis.headers["content-type"], "application/json");
  Json g = apis.json();
  EXPECT_EQ(g["kind"], "APIGroupList");
  EXPECT_EQ(g["groups"][0]["name"], "berth.dev");
  EXPECT_EQ(g["groups"][0]["preferredVersion"]["groupVersion"], "berth.dev/v1alpha1");

  auto group = Admin().Get("/apis/berth.dev");
  ASSERT_EQ(group.code, 200);
  EXPECT_EQ(group.json()["kind"], "APIGroup");

  auto rl = Admin().Get("/apis/berth.dev/v1alpha1");
  ASSERT_EQ(rl.code, 200);
  Json list = rl.json();
  EXPECT_EQ(list["kind"], "APIResourceList");
  EXPECT_EQ(list["groupVersion"], "berth.dev/v1alpha1");
  bool stacks = false, status = false, gpunodes = false;
  for (const Json& r : list["resources"]) {
    if (r["name"] == "stacks") {
      stacks = true;
      EXPECT_EQ(r["singularName"], "stack");
      EXPECT_EQ(r["kind"], "Stack");
      EXPECT_EQ(r["namespaced"], true);
      EXPECT_EQ(r["shortNames"], Json::array({"st"}));
      EXPECT_NE(std::find(r["categories"].begin(), r["categories"].end(), "berth"),
                r["categories"].end());
      for (const char* v :
           {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}) {
        EXPECT_NE(std::find(r["verbs"].begin(), r["verbs"].end(), v), r["verbs"].end()) << v;
      }
    }
    if (r["name"] == "stacks/status") status = true;
    if (r["name"] == "gpunodes") {
      gpunodes = true;
      EXPECT_EQ(r["namespaced"], false);
    }
  }
  EXPECT_TRUE(stacks && status && gpunodes);
}

TEST_F(DiscoveryTest, VersionAndOpenApi) {
  Json v = Anonymous().Get("/version").json();
  EXPECT_EQ(v["major"], "1");
  EXPECT_FALSE(v["minor"].get<std::string>().empty());
  EXPECT_EQ(v["gitVersion"].get<std::string>().rfind("v1.", 0), 0u);
  EXPECT_EQ(v["platform"], "linux/amd64");

  auto pb = Admin().Get("/openapi/v2",
                        {"Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf"});
  EXPECT_EQ(pb.code, 200);
  EXPECT_NE(pb.headers["content-type"].find("protobuf"), std::string::npos);
  auto js = Admin().Get("/openapi/v2");
  EXPECT_EQ(js.code, 200);
  EXPECT_EQ(js.json()["swagger"], "2.0");
  EXPECT_EQ(Admin().Get("/openapi/v3").code, 404);
}

TEST_F(DiscoveryTest, TablesFromPrinterColumns) {
  ASSERT_EQ(Admin().Post(kStacks, StackJson("web")).code, 201);
  ASSERT_EQ(Admin()
                .Patch(std::string(kStacks) + "/web/status",
                       R"({"status":{"ready":"1/1","phase":"Ready"}})")
                .code,
            200);
  auto t = Admin().Get(kStacks, {kTableAccept});
  ASSERT_EQ(t.code, 200) << t.body;
  Json table = t.json();
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  std::vector<std::string> cols;
  for (const Json& c : table["columnDefinitions"]) cols.push_back(c["name"]);
  EXPECT_EQ(cols, (std::vector<std::string>{"Name", "Ready", "Status", "Age"}));
  EXPECT_EQ(table["columnDefinitions"][0]["format"], "name");
  ASSERT_EQ(table["rows"].size(), 1u);
  Json cells = table["rows"][0]["cells"];
  EXPECT_EQ(cells[0], "web");
  EXPECT_EQ(cells[1], "1/1");
  EXPECT_EQ(cells[2], "Ready");
  EXPECT_TRUE(std::regex_match(cells[3].get<std::string>(), std::regex("[0-9]+[smhdy]")))
      << cells[3];
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["name"], "web");
  EXPECT_FALSE(table["metadata"]["resourceVersion"].get<std::string>().empty());

  auto one = Admin().Get(std::string(kStacks) + "/web?includeObject=Object", {kTableAccept});
  EXPECT_EQ(one.json()["rows"][0]["object"]["kind"], "Stack");
  auto none = Admin().Get(std::string(kStacks) + "?includeObject=None", {kTableAccept});
  EXPECT_FALSE(none.json()["rows"][0].contains("object"));
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "?includeObject=All", {kTableAccept}).code, 400);
}

TEST_F(DiscoveryTest, MetricsParseAndHoldNoObjectData) {
  Json s = StackJson("very-private-name");
  s["metadata"]["labels"] = {{"owner", "alice-label-value"}};
  ASSERT_EQ(Admin().Post(kStacks, s).code, 201);
  ASSERT_EQ(Admin().Get(std::string(kStacks) + "/very-private-name").code, 200);
  ASSERT_EQ(Admin().Get(std::string(kStacks) + "/nope").code, 404);
  auto m = Anonymous().Get("/metrics");
  ASSERT_EQ(m.code, 200);
  EXPECT_NE(m.headers["content-type"].find("text/plain"), std::string::npos);
  EXPECT_EQ(m.body.find("very-private-name"), std::string::npos);
  EXPECT_EQ(m.body.find("alice-label-value"), std::string::npos);
  EXPECT_EQ(m.body.find(admin_), std::string::npos);
  // Every line is a comment or `name{labels} value`.
  static const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+$)");
  std::istringstream in(m.body);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
    ++samples;
  }
  EXPECT_GT(samples, 5);
  EXPECT_NE(m.body.find(
                R"(berth_apiserver_requests_total{code="201",resource="stacks",verb="create"} 1)"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find(R"(code="404",resource="stacks",verb="get")"), std::string::npos);
  EXPECT_NE(m.body.find("berth_apiserver_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("berth_store_revision "), std::string::npos);
  EXPECT_NE(m.body.find("berth_apiserver_open_watches 0"), std::string::npos);
}

class ReadinessTest : public ApiServerTest {
 protected:
  void Configure(apiserver::Server& server) override {
    server.AddReadinessCheck("docker", [this] {
      return docker_up_ ? Status::Ok() : Status::Unavailable("no engine answers");
    });
  }
  std::atomic<bool> docker_up_{false};
};

TEST_F(ReadinessTest, ChecksGateReadyz) {
  auto r = Anonymous().Get("/readyz");
  EXPECT_EQ(r.code, 503);
  EXPECT_NE(r.body.find("[-]docker failed"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("[+]store ok"), std::string::npos);
  docker_up_ = true;
  EXPECT_EQ(Anonymous().Get("/readyz").code, 200);
  EXPECT_EQ(Anonymous().Get("/healthz").code, 200);
}

class FakeLogs final : public apiserver::LogSource {
 public:
  Status Stream(const api::ObjectRef& ref, const std::string& service, bool follow, int tail,
                const std::function<bool(std::string_view)>& sink) override {
    if (service != "web") return Status::NotFound("no service " + service);
    sink("line 1 of " + ref.name + "/" + service + " tail=" + std::to_string(tail) + "\n");
    if (!follow) return Status::Ok();
    for (int i = 2; sink("line " + std::to_string(i) + "\n"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::Ok();
  }
};

class LogsTest : public ApiServerTest {
 protected:
  void Configure(apiserver::Server& server) override {
    server.SetLogSource(std::make_shared<FakeLogs>());
  }
};

TEST_F(LogsTest, StreamsFromTheLogSource) {
  ASSERT_EQ(Admin().Post(kStacks, StackJson("app")).code, 201);
  auto r = As(viewer_).Get(std::string(kStacks) + "/app/log?service=web&tailLines=5");
  ASSERT_EQ(r.code, 200) << r.body;
  EXPECT_EQ(r.body, "line 1 of app/web tail=5\n");
  EXPECT_NE(r.headers["content-type"].find("text/plain"), std::string::npos);
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "/nope/log?service=web").code, 404);
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "/app/log").code, 400);
  // A follow stream ends when the client goes away.
  auto w = Watch(std::string(kStacks) + "/app/log?service=web&follow=true", admin_);
  EXPECT_TRUE(Eventually([&] { return server_->open_streams() == 1; }));
  w->Close();
  EXPECT_TRUE(Eventually([&] { return server_->open_streams() == 0; }));
}

TEST_F(DiscoveryTest, LogsWithoutASourceAre501) {
  ASSERT_EQ(Admin().Post(kStacks, StackJson("app")).code, 201);
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "/app/log?service=web").code, 501);
}

class TlsTest : public ApiServerTest {
 protected:
  apiserver::ServerOptions Options() override {
    auto o = ApiServerTest::Options();
    std::string cert = (dir_ / "tls.crt").string(), key = (dir_ / "tls.key").string();
    std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    o.tls_cert = cert;
    o.tls_key = key;
    return o;
  }
};

TEST_F(TlsTest, ServesHttps) {
  EXPECT_EQ(server_->url().rfind("https://", 0), 0u);
  HttpOptions o;
  o.token = admin_;
  o.ca_file = (dir_ / "tls.crt").string();
  HttpClient client(server_->url(), o);
  auto r = client.Post(kStacks, StackJson("secure"));
  EXPECT_EQ(r.code, 201) << r.error << r.body;
  EXPECT_EQ(client.Get("/healthz").code, 200);
  // Plain HTTP to the TLS port gets nowhere.
  std::string plain = "http://127.0.0.1:" + std::to_string(server_->port());
  EXPECT_NE(HttpClient(plain).Get("/healthz").code, 200);
  // A watch over TLS.
  auto w = std::make_unique<WatchStream>(server_->url() + kStacks + "?watch=true", o);
  auto ev = w->Next(std::chrono::seconds(20));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["object"]["metadata"]["name"], "secure");
}

TEST(TlsConfig, BadFilesFailStart) {
  auto st = store::Open("sqlite::memory:");
  ASSERT_TRUE(st.ok());
  registry::Registry reg(**st, api::Catalog::Builtin());
  apiserver::TokenStore tokens(**st);
  apiserver::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.tls_cert = "/nonexistent.crt";
  o.tls_key = "/nonexistent.key";
  apiserver::Server server(reg, tokens, o);
  Status s = server.Start();
  EXPECT_EQ(s.code(), Code::kBadRequest) << s.ToString();
}

}  // namespace
}  // namespace berth::testing
