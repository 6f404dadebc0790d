// The locally built test images behave like the official ones where berth's
// seeds rely on them (scripts/test-images builds them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/docker/docker_fixture.h"

namespace berth::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class DockerImages : public DockerTest {
 protected:
  bool WaitHealthy(const std::string& id, std::chrono::seconds deadline = 120s) {
    std::string last;
    bool ok = WaitFor(
        [&] {
          auto i = client().InspectContainer(id);
          if (!i.ok()) return false;
          last = i->state.health + " / " + i->state.status;
          return i->state.health == "healthy";
        },
        deadline);
    if (!ok) {
      auto logs = client().Logs(id, {});
      ADD_FAILURE() << "not healthy (" << last << "); logs:\n"
                    << (logs.ok() ? logs->out + logs->err : logs.status().ToString());
    }
    return ok;
  }
  docker::ExecResult Exec(const std::string& id, std::vector<std::string> cmd,
                          std::vector<std::string> env = {}) {
    docker::ExecOptions o;
    o.cmd = std::move(cmd);
    o.env = std::move(env);
    o.timeout = 60s;
    auto r = client().Exec(id, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : docker::ExecResult{-1, "", r.status().ToString()};
  }
};

TEST_F(DockerImages, PostgresWithPasswordFileTurnsHealthyAndAnswers) {
  if (!RequireImage(kPostgres)) return;
  docker::ContainerSpec spec;
  spec.name = Name("pg");
  spec.image = kPostgres;
  spec.labels = TestLabels();
  spec.env = {"POSTGRES_USER=berth", "POSTGRES_DB=berthdb",
              "POSTGRES_PASSWORD_FILE=/run/secrets/pg_password"};
  spec.healthcheck = docker::HealthCheck{
      {"CMD", "pg_isready", "-U", "berth", "-d", "berthdb"}, 500ms, 5s, 0ms, 100};
  spec.stop_signal = "SIGINT";
  auto id = client().CreateContainer(spec);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // berth injects secrets as files, placed before the container starts.
  ASSERT_TRUE(
      client()
          .PutArchive(*id, "/run",
                      {{"secrets/", "", 0755, true}, {"secrets/pg_password", "s3cret-pw", 0444}})
          .ok());
  ASSERT_TRUE(client().StartContainer(*id).ok());
  ASSERT_TRUE(WaitHealthy(*id));

  auto r = Exec(*id, {"psql", "-U", "berth", "-d", "berthdb", "-Atc", "select 1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
  // Over the network the password from the file is required and works (like
  // the official image, initdb trusts the socket and 127.0.0.1; other
  // addresses need the password).
  auto info = client().InspectContainer(*id);
  ASSERT_TRUE(info.ok());
  std::string ip = info->networks.begin()->second.ip_address;
  r = Exec(*id,
           {"psql", "-h", ip, "-U", "berth", "-d", "berthdb", "-Atc",
            "select current_user || ' ' || current_database()"},
           {"PGPASSWORD=s3cret-pw"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "berth berthdb\n");
  r = Exec(*id, {"psql", "-h", ip, "-U", "berth", "-d", "berthdb", "-c", "select 1"},
           {"PGPASSWORD=wrong"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("password authentication failed"));
  r = Exec(*id, {"sh", "-c", "ps -o user,comm | grep -m1 ' postgres'"});
  EXPECT_THAT(r.out, HasSubstr("postgres"));
  EXPECT_EQ(r.out.rfind("postgres", 0), 0u) << "the server runs as the postgres user: " << r.out;
}

TEST_F(DockerImages, PostgresRefusesToInitWithoutPassword) {
  if (!RequireImage(kPostgres)) return;
  docker::ContainerSpec spec;
  spec.name = Name("pgnopw");
  spec.image = kPostgres;
  std::string id = Run(spec);
  ASSERT_FALSE(id.empty());
  auto code = client().WaitContainer(id, docker::WaitCondition::kNotRunning, 60s);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 1);
  auto logs = client().Logs(id, {});
  ASSERT_TRUE(logs.ok());
  EXPECT_THAT(logs->err, HasSubstr("superuser password is not specified"));
}

TEST_F(DockerImages, RedisAnswersValkeyCliPing) {
  if (!RequireImage(kRedis)) return;
  docker::ContainerSpec spec;
  spec.name = Name("valkey");
  spec.image = kRedis;
  spec.healthcheck = docker::HealthCheck{{"CMD", "valkey-cli", "ping"}, 300ms, 3s, 0ms, 50};
  std::string id = Run(spec);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitHealthy(id, 60s));
  auto r = Exec(id, {"valkey-cli", "set", "k", "v"});
  EXPECT_EQ(r.out, "OK\n");
  // Another container reaches it by address, without a password.
  auto info = client().InspectContainer(id);
  ASSERT_TRUE(info.ok());
  std::string ip = info->networks.begin()->second.ip_address;
  auto cli = spec;
  cli.name = Name("valkey-cli");
  cli.cmd = std::vector<std::string>{"valkey-cli", "-h", ip, "get", "k"};
  cli.healthcheck.reset();
  std::string cid = Run(cli);
  ASSERT_FALSE(cid.empty());
  auto code = client().WaitContainer(cid, docker::WaitCondition::kNotRunning, 30s);
  ASSERT_TRUE(code.ok());
  auto logs = client().Logs(cid, {});
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(*code, 0) << logs->err;
  EXPECT_EQ(logs->out, "v\n");
}

TEST_F(DockerImages, NginxTestsAndReloadsConfDInPlace) {
  if (!RequireImage(kNginx)) return;
  docker::ContainerSpec spec;
  spec.name = Name("router");
  spec.image = kNginx;
  std::string id = Run(spec);
  ASSERT_FALSE(id.empty());
  auto r = Exec(id, {"nginx", "-t"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("test is successful"));

  // A broken site fails `nginx -t` and does not take the server down.
  ASSERT_TRUE(client().PutArchive(id, "/etc/nginx/conf.d", {{"bad.conf", "server { listen"}}).ok());
  r = Exec(id, {"nginx", "-t"});
  EXPECT_NE(r.exit_code, 0);
  ASSERT_EQ(Exec(id, {"rm", "/etc/nginx/conf.d/bad.conf"}).exit_code, 0);

  std::string site =
      "server { listen 8088; server_name alice.berth.test;"
      " location / { return 200 \"routed to alice\\n\"; } }\n";
  ASSERT_TRUE(client().PutArchive(id, "/etc/nginx/conf.d", {{"alice.conf", site}}).ok());
  r = Exec(id, {"nginx", "-t"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Exec(id, {"nginx", "-s", "reload"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string out;
  EXPECT_TRUE(WaitFor(
      [&] {
        auto w = Exec(id, {"timeout", "3", "wget", "-q", "-O-", "--header",
                           "Host: alice.berth.test", "http://127.0.0.1:8088/"});
        out = w.out + w.err;
        return w.exit_code == 0;
      },
      30s))
      << out;
  EXPECT_EQ(out, "routed to alice\n");
  // nginx writes the access log line after the response has gone out, and
  // the engine copies stdout asynchronously: wait for it, do not race it.
  std::string log_out;
  EXPECT_TRUE(WaitFor(
      [&] {
        auto logs = client().Logs(id, {});
        log_out = logs.ok() ? logs->out : logs.status().ToString();
        return log_out.find("GET / HTTP/1.1\" 200") != std::string::npos;
      },
      30s))
      << "access log on stdout: " << log_out;
}

}  // namespace
}  // namespace berth::testing
