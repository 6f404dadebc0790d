// Engine JSON encoding/decoding and HTTP status mapping, on canned bodies.
#include "operator/docker/engine_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace berth::docker {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(EngineJson, EncodesCreateBodyLikeDockerRun) {
  ContainerSpec s;
  s.image = "postgres:15";
  s.cmd = std::vector<std::string>{"postgres", "-c", "max_connections=50"};
  s.entrypoint = std::vector<std::string>{};
  s.env = {"A=1"};
  s.labels = {{"berth.dev/managed-by", "berth"}};
  s.ports = {{5432, "tcp", "127.0.0.1", 15432}, {9000, "", "", 0}};
  s.mounts = {{Mount::Type::kVolume, "pgdata", "/var/lib/postgresql/data", false},
              {Mount::Type::kBind, "/srv/conf", "/conf", true}};
  s.networks = {{"share_internal", {"postgres", "db"}}, {"1panel-network", {}}};
  s.healthcheck = HealthCheck{{"CMD-SHELL", "pg_isready"}, 5s, 3s, 10s, 5};
  s.restart = {"unless-stopped", 0};
  s.gpus = {{"nvidia", 0, {"1"}, {{"gpu"}}}, {"nvidia", 0, {}, {{"gpu"}}}};
  s.stop_timeout = 20;
  json j = EncodeContainerCreate(s);

  EXPECT_EQ(j["Image"], "postgres:15");
  EXPECT_EQ(j["Cmd"], json({"postgres", "-c", "max_connections=50"}));
  EXPECT_TRUE(j["Entrypoint"].is_array() && j["Entrypoint"].empty()) << "[] clears it";
  EXPECT_EQ(j["Labels"]["berth.dev/managed-by"], "berth");
  EXPECT_TRUE(j["ExposedPorts"].contains("5432/tcp"));
  EXPECT_TRUE(j["ExposedPorts"].contains("9000/tcp"));
  const json& hc = j["HostConfig"];
  EXPECT_EQ(hc["PortBindings"]["5432/tcp"][0],
            json({{"HostIp", "127.0.0.1"}, {"HostPort", "15432"}}));
  EXPECT_FALSE(hc["PortBindings"].contains("9000/tcp"));
  EXPECT_EQ(
      hc["Mounts"][1],
      json({{"Type", "bind"}, {"Source", "/srv/conf"}, {"Target", "/conf"}, {"ReadOnly", true}}));
  EXPECT_FALSE(hc["Mounts"][0].contains("ReadOnly"));
  EXPECT_EQ(j["Healthcheck"]["Interval"], 5000000000LL);
  EXPECT_EQ(j["Healthcheck"]["StartPeriod"], 10000000000LL);
  EXPECT_EQ(j["Healthcheck"]["Retries"], 5);
  EXPECT_EQ(hc["RestartPolicy"]["Name"], "unless-stopped");
  EXPECT_EQ(hc["DeviceRequests"][0]["DeviceIDs"], json({"1"}));
  EXPECT_FALSE(hc["DeviceRequests"][0].contains("Count"));
  EXPECT_EQ(hc["DeviceRequests"][1]["Count"], -1) << "no ids and no count: all GPUs";
  EXPECT_EQ(hc["DeviceRequests"][1]["Capabilities"], json({{"gpu"}}));
  EXPECT_EQ(j["StopTimeout"], 20);
  // Only the first network at create time (API 1.41), as NetworkMode too.
  EXPECT_EQ(hc["NetworkMode"], "share_internal");
  const json& eps = j["NetworkingConfig"]["EndpointsConfig"];
  EXPECT_EQ(eps.size(), 1u);
  EXPECT_EQ(eps["share_internal"]["Aliases"], json({"postgres", "db"}));
}

TEST(EngineJson, OmitsUnsetFields) {
  ContainerSpec s;
  s.image = "x";
  json j = EncodeContainerCreate(s);
  EXPECT_FALSE(j.contains("Cmd")) << "nullopt keeps the image default";
  EXPECT_FALSE(j.contains("Entrypoint"));
  EXPECT_FALSE(j.contains("Healthcheck"));
  EXPECT_FALSE(j.contains("NetworkingConfig"));
  EXPECT_TRUE(j["HostConfig"].empty());
}

TEST(EngineJson, DecodesInspectWithNullsAndHealth) {
  json j = json::parse(R"({
    "Id": "abc", "Name": "/web", "Image": "sha256:1", "Created": "2024-01-01T00:00:00Z",
    "RestartCount": 2,
    "State": {"Status": "running", "Running": true, "ExitCode": 0, "Pid": 42,
              "StartedAt": "2024-01-01T00:00:01.5Z", "FinishedAt": "0001-01-01T00:00:00Z",
              "Health": {"Status": "healthy", "FailingStreak": 0,
                         "Log": [{"Start": "2024-01-01T00:00:02Z", "End": "2024-01-01T00:00:03Z",
                                  "ExitCode": 0, "Output": "ok\n"}]}},
    "Config": {"Image": "berth-test/busybox:1", "Labels": null, "Env": ["A=1"], "Cmd": null,
               "Entrypoint": "sh", "Hostname": "h"},
    "NetworkSettings": {"Networks": {"n1": {"NetworkID": "nid", "IPAddress": "10.0.0.2",
                                            "Aliases": null}}},
    "Mounts": [{"Type": "volume", "Name": "v", "Source": "/var/lib/docker/volumes/v/_data",
                "Destination": "/data", "RW": true}],
    "Extra": {"kept": true}})");
  auto c = DecodeContainerInfo(j);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->name, "web");
  EXPECT_EQ(c->image, "berth-test/busybox:1");
  EXPECT_EQ(c->state.started_at, "2024-01-01T00:00:01.5Z");
  EXPECT_EQ(c->state.finished_at, "") << "Go's zero time is 'never'";
  EXPECT_EQ(c->state.health, "healthy");
  ASSERT_EQ(c->state.health_log.size(), 1u);
  EXPECT_EQ(c->state.health_log[0].output, "ok\n");
  EXPECT_EQ(c->restart_count, 2);
  EXPECT_TRUE(c->labels.empty());
  EXPECT_TRUE(c->cmd.empty());
  EXPECT_THAT(c->entrypoint, ElementsAre("sh"));
  EXPECT_EQ(c->networks.at("n1").ip_address, "10.0.0.2");
  ASSERT_EQ(c->mounts.size(), 1u);
  EXPECT_EQ(c->mounts[0].name, "v");
  EXPECT_TRUE(c->raw["Extra"]["kept"]);
  EXPECT_FALSE(DecodeContainerInfo(json::array()).ok());
}

TEST(EngineJson, DecodesEventsAndPullLines) {
  auto e = DecodeEvent(json::parse(R"({"Type":"container","Action":"health_status: healthy",
      "Actor":{"ID":"c1","Attributes":{"berth.dev/owner":"Stack/default/web","name":"x"}},
      "time":1700000000,"timeNano":1700000000123456789})"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->action, "health_status: healthy");
  EXPECT_EQ(e->attributes.at("berth.dev/owner"), "Stack/default/web");
  EXPECT_EQ(e->time_nano, 1700000000123456789LL);

  auto p = DecodePullLine(json::parse(
      R"({"status":"Downloading","progressDetail":{"current":10,"total":20},"id":"l1"})"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->current, 10);
  EXPECT_EQ(p->total, 20);
  auto bad = DecodePullLine(json::parse(
      R"({"errorDetail":{"message":"manifest for x:1 not found: manifest unknown"},"error":"x"})"));
  EXPECT_EQ(bad.status().code(), Code::kNotFound);
  bad = DecodePullLine(json::parse(R"({"error":"unauthorized: authentication required"})"));
  EXPECT_EQ(bad.status().code(), Code::kUnauthorized);
}

TEST(EngineJson, MapsHttpStatusesToCodes) {
  EXPECT_EQ(StatusFromHttp(404, R"({"message":"No such container: x"})").code(), Code::kNotFound);
  Status conflict = StatusFromHttp(409, R"({"message":"Conflict. The container name is in use"})");
  EXPECT_EQ(conflict.code(), Code::kConflict);
  EXPECT_THAT(conflict.message(), HasSubstr("name is in use"));
  EXPECT_EQ(
      StatusFromHttp(
          403, R"({"message":"error while removing network: network x id y has active endpoints"})")
          .code(),
      Code::kConflict);
  EXPECT_EQ(StatusFromHttp(400, R"({"message":"bad parameter"})").code(), Code::kBadRequest);
  EXPECT_EQ(StatusFromHttp(500, R"({"message":"driver failed"})").code(), Code::kInternal);
  EXPECT_EQ(StatusFromHttp(500, "plain text").message(), "docker engine: plain text (HTTP 500)");
  EXPECT_EQ(StatusFromHttp(503, "").code(), Code::kUnavailable);
}

TEST(EngineJson, NegotiatesTheOlderApiVersion) {
  EXPECT_EQ(NegotiateApiVersion("1.43", "1.41"), "1.41");
  EXPECT_EQ(NegotiateApiVersion("1.41", "1.41"), "1.41");
  EXPECT_EQ(NegotiateApiVersion("1.40", "1.41"), "1.40");
  EXPECT_EQ(NegotiateApiVersion("1.9", "1.41"), "1.9") << "numeric, not lexical";
  EXPECT_EQ(NegotiateApiVersion("junk", "1.41"), "1.41");
}

TEST(EngineJson, EncodesFiltersAndAuth) {
  EXPECT_EQ(EncodeLabelFilters({}), "");
  EXPECT_EQ(EncodeLabelFilters({"a=b", "c"}), R"({"label":["a=b","c"]})");
  EXPECT_EQ(EncodeFilters({{"type", {"container"}}, {"label", {"x"}}}),
            R"({"label":["x"],"type":["container"]})");
  // base64url of {"password":"p","serveraddress":"h:5000","username":"u"}
  EXPECT_EQ(EncodeRegistryAuth({"u", "p", "h:5000"}),
            "eyJwYXNzd29yZCI6InAiLCJzZXJ2ZXJhZGRyZXNzIjoiaDo1MDAwIiwidXNlcm5hbWUiOiJ1In0=");
}

}  // namespace
}  // namespace berth::docker
