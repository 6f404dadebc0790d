// RouterFiles and DockerNginx against a real nginx container (berth-test/nginx:1)
// whose conf.d is a host directory, on a user network with a berth-echo app.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "controllers/router/nginx.h"
#include "controllers/router/nginx_conf.h"
#include "controllers/router/router_files.h"
#include "test/docker/docker_fixture.h"

namespace berth::router {
namespace {

namespace fs = std::filesystem;
using berth::testing::WaitFor;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

// GET / with a Host header; "<status> <body>", or "" when nothing answered.
std::string Get(int port, const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "";
  }
  std::string req = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (resp.size() < 12) return "";
  size_t body = resp.find("\r\n\r\n");
  return resp.substr(9, 3) + " " + (body == std::string::npos ? "" : resp.substr(body + 4));
}

class RouterNginxTest : public berth::testing::DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    if (!RequireImage(berth::testing::kNginx) || !RequireImage(berth::testing::kBusybox)) return;
    dir_ = fs::temp_directory_path() / Name("conf");
    fs::create_directories(dir_ / "conf.d");
    docker::NetworkSpec net;
    net.name = Name("edge");
    net.labels = TestLabels();
    auto id = client().CreateNetwork(net);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    network_ = net.name;

    app_ = Name("app");
    docker::ContainerSpec app = Busybox("app", {"berth-echo", "8080"});
    app.name = app_;
    app.env = {"INSTANCE_ID=alice"};
    app.networks = {{network_, {}}};
    Run(app);

    port_ = FreePort();
    docker::ContainerSpec nginx;
    nginx.name = Name("router");
    nginx.image = berth::testing::kNginx;
    nginx.labels = TestLabels();
    nginx.mounts = {
        {docker::Mount::Type::kBind, (dir_ / "conf.d").string(), "/etc/nginx/conf.d", true}};
    nginx.networks = {{network_, {}}};
    nginx.ports = {{8088, "tcp", "127.0.0.1", port_}};
    router_ = Run(nginx);

    target_.key = "Stack/test/router";
    target_.conf_dir = (dir_ / "conf.d").string();
    target_.container = router_;
    target_.listen_port = 8088;
    nginx_exec_ = NewDockerNginx(client());
    files_ = std::make_unique<RouterFiles>(RealFileSystem(), *nginx_exec_);
  }
  void TearDown() override {
    DockerTest::TearDown();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RouteSpec Route(const std::string& slug, const std::string& upstream) {
    RouteSpec r;
    r.owner = "test/" + slug;
    r.server_name = slug + ".localhost";
    r.upstream_host = upstream;
    r.upstream_port = 8080;
    r.listen_port = 8088;
    return r;
  }

  fs::path dir_;
  std::string network_, app_, router_;
  int port_ = 0;
  RouterTarget target_;
  std::unique_ptr<Nginx> nginx_exec_;
  std::unique_ptr<RouterFiles> files_;
};

TEST_F(RouterNginxTest, RoutesByHostAndKeepsServingWhenAChangeIsRefused) {
  if (IsSkipped() || HasFailure()) return;
  auto alice = RenderServerBlock(Route("alice", app_));
  ASSERT_TRUE(alice.ok());
  Status st = files_->Apply(target_, {"test-alice.conf", *alice});
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(WaitFor([&] {
    return Get(port_, "alice.localhost").find("instance=alice") != std::string::npos;
  })) << Get(port_, "alice.localhost");
  // Unknown hosts get berth's default server, not alice.
  EXPECT_TRUE(WaitFor([&] { return Get(port_, "nobody.localhost").starts_with("404"); }))
      << Get(port_, "nobody.localhost");

  // A route whose container does not exist does not break nginx -t: the
  // upstream is resolved per request, so only that host fails (502).
  auto ghost = RenderServerBlock(Route("ghost", Name("no-such-container")));
  ASSERT_TRUE(files_->Apply(target_, {"test-ghost.conf", *ghost}).ok());
  EXPECT_TRUE(WaitFor([&] { return Get(port_, "ghost.localhost").starts_with("502"); }))
      << Get(port_, "ghost.localhost");

  // A broken route (a bad routeConfig) is refused by the real nginx -t, rolled
  // back, and alice keeps answering.
  RouteSpec bad = Route("bad", app_);
  bad.extra = "bogus_directive on;";
  auto bad_block = RenderServerBlock(bad);
  ASSERT_TRUE(bad_block.ok());
  st = files_->Apply(target_, {"test-bad.conf", *bad_block});
  EXPECT_EQ(st.code(), Code::kInvalid) << st.ToString();
  EXPECT_NE(st.message().find("bogus_directive"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(dir_ / "conf.d" / "test-bad.conf"));
  EXPECT_NE(Get(port_, "alice.localhost").find("instance=alice"), std::string::npos);

  // The directory holds only what passed: a restarted router starts and serves.
  ASSERT_TRUE(client().RestartContainer(router_, std::chrono::seconds(5)).ok());
  EXPECT_TRUE(WaitFor(
      [&] { return Get(port_, "alice.localhost").find("instance=alice") != std::string::npos; }));

  // Removing the route reloads: alice's host falls to the default server.
  ASSERT_TRUE(files_->Apply(target_, {"test-alice.conf", std::nullopt}).ok());
  EXPECT_TRUE(WaitFor([&] { return Get(port_, "alice.localhost").starts_with("404"); }));
}

// A route that serves, changed into one nginx refuses: the old file comes
// back byte for byte, the host keeps answering, the others too.
TEST_F(RouterNginxTest, AGoodRouteThatTurnsBadIsRestoredByteForByte) {
  if (IsSkipped() || HasFailure()) return;
  RouteSpec alice = Route("alice", app_);
  alice.extra = "client_max_body_size 50m;";
  auto good = RenderServerBlock(alice);
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(files_->Apply(target_, {"test-alice.conf", *good}).ok());
  auto other = RenderServerBlock(Route("other", app_));
  ASSERT_TRUE(files_->Apply(target_, {"test-other.conf", *other}).ok());
  ASSERT_TRUE(WaitFor([&] {
    return Get(port_, "alice.localhost").find("instance=alice") != std::string::npos &&
           Get(port_, "other.localhost").find("instance=alice") != std::string::npos;
  })) << Get(port_, "alice.localhost");
  const std::string path = (dir_ / "conf.d" / "test-alice.conf").string();
  const auto before = RealFileSystem().ReadFile(path);
  ASSERT_TRUE(before.ok());
  const int reloads = files_->reloads();

  RouteSpec broken = alice;
  broken.extra = "client_max_body_size 50m;\nproxy_buffering maybe;";
  auto bad = RenderServerBlock(broken);
  ASSERT_TRUE(bad.ok());
  ASSERT_NE(*bad, *good);
  Status st = files_->Apply(target_, {"test-alice.conf", *bad});
  ASSERT_EQ(st.code(), Code::kInvalid) << st.ToString();
  // nginx's own words, naming the directive it refused.
  EXPECT_NE(st.message().find("proxy_buffering"), std::string::npos) << st.message();
  auto after = RealFileSystem().ReadFile(path);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);             // byte for byte
  EXPECT_EQ(files_->reloads(), reloads);  // nginx was never told to load it
  EXPECT_NE(Get(port_, "alice.localhost").find("instance=alice"), std::string::npos);
  EXPECT_NE(Get(port_, "other.localhost").find("instance=alice"), std::string::npos);
  // What is on disk is what nginx accepts: the next test passes, a restart serves.
  docker::ExecOptions check;
  check.cmd = {"nginx", "-t"};
  check.timeout = std::chrono::seconds(30);
  auto checked = client().Exec(router_, check);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->exit_code, 0) << checked->out << checked->err;
  ASSERT_TRUE(client().RestartContainer(router_, std::chrono::seconds(5)).ok());
  EXPECT_TRUE(WaitFor(
      [&] { return Get(port_, "alice.localhost").find("instance=alice") != std::string::npos; }));
}

}  // namespace
}  // namespace berth::router
