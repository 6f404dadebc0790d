#include "controllers/router/nginx_conf.h"

#include <gtest/gtest.h>

namespace berth::router {
namespace {

RouteSpec Alice() {
  RouteSpec r;
  r.owner = "beaver/alice-1234567890";
  r.server_name = "alice.localhost";
  r.upstream_host = "berth_beaver_alice";
  r.upstream_port = 8080;
  r.listen_port = 8088;
  return r;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(NginxConfTest, ServerBlockProxiesWithHeadersWebsocketAndStreaming) {
  auto block = RenderServerBlock(Alice());
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  const std::string& b = *block;
  EXPECT_TRUE(IsBerthFile(b));
  EXPECT_TRUE(Has(b, "# berth.dev route: Instance beaver/alice-1234567890\n"));
  EXPECT_TRUE(Has(b, "    listen 8088;\n"));
  EXPECT_TRUE(Has(b, "    server_name alice.localhost;\n"));
  EXPECT_TRUE(Has(b, "set $berth_upstream berth_beaver_alice:8080;\n"));
  EXPECT_TRUE(Has(b, "proxy_pass http://$berth_upstream;\n"));
  EXPECT_TRUE(Has(b, "proxy_http_version 1.1;\n"));
  EXPECT_TRUE(Has(b, "proxy_set_header Host $host;\n"));
  EXPECT_TRUE(Has(b, "proxy_set_header X-Real-IP $remote_addr;\n"));
  EXPECT_TRUE(Has(b, "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"));
  EXPECT_TRUE(Has(b, "proxy_set_header X-Forwarded-Proto $scheme;\n"));
  EXPECT_TRUE(Has(b, "proxy_set_header Upgrade $http_upgrade;\n"));
  EXPECT_TRUE(Has(b, "proxy_set_header Connection $berth_connection_upgrade;\n"));
  EXPECT_TRUE(Has(b, "proxy_buffering off;\n"));
  EXPECT_TRUE(Has(b, "proxy_request_buffering off;\n"));
  EXPECT_TRUE(Has(b, "proxy_read_timeout 3600s;\n"));
  EXPECT_TRUE(Has(b, "proxy_send_timeout 3600s;\n"));
  EXPECT_TRUE(Has(b, "X-Accel-Buffering no"));
  // The map lives in the common file: defining it per route would fail nginx -t.
  EXPECT_FALSE(Has(b, "map "));
}

TEST(NginxConfTest, WithoutStreamingNoBufferingSettings) {
  RouteSpec r = Alice();
  r.streaming = false;
  auto block = RenderServerBlock(r);
  ASSERT_TRUE(block.ok());
  EXPECT_FALSE(Has(*block, "proxy_buffering off"));
  EXPECT_FALSE(Has(*block, "3600s"));
  EXPECT_TRUE(Has(*block, "proxy_http_version 1.1;"));
}

TEST(NginxConfTest, HttpsPublicSchemeForwardsHttps) {
  RouteSpec r = Alice();
  r.https = true;
  auto block = RenderServerBlock(r);
  ASSERT_TRUE(block.ok());
  EXPECT_TRUE(Has(*block, "proxy_set_header X-Forwarded-Proto https;\n"));
}

TEST(NginxConfTest, RouteConfigGoesIntoTheLocationIndented) {
  RouteSpec r = Alice();
  r.extra = "client_max_body_size 50m;\n\n  gzip off;  ";
  auto block = RenderServerBlock(r);
  ASSERT_TRUE(block.ok());
  EXPECT_TRUE(Has(*block, "        client_max_body_size 50m;\n        gzip off;\n    }\n}\n"));
}

TEST(NginxConfTest, RefusesNamesThatCouldBreakTheSyntax) {
  for (std::string bad : {"alice.localhost; evil", "a b", "a{b", "x\"y", "x\ny", ""}) {
    RouteSpec r = Alice();
    r.server_name = bad;
    EXPECT_EQ(RenderServerBlock(r).status().code(), Code::kInvalid) << bad;
    r = Alice();
    r.upstream_host = bad;
    EXPECT_EQ(RenderServerBlock(r).status().code(), Code::kInvalid) << bad;
  }
  RouteSpec r = Alice();
  r.upstream_port = 0;
  EXPECT_EQ(RenderServerBlock(r).status().code(), Code::kInvalid);
}

TEST(NginxConfTest, CommonFileHasMapResolverAndDefaultServer) {
  std::string c = RenderCommonConf(8088);
  EXPECT_TRUE(IsBerthFile(c));
  EXPECT_TRUE(Has(c, "map $http_upgrade $berth_connection_upgrade {\n    default upgrade;\n"));
  EXPECT_TRUE(Has(c, "resolver 127.0.0.11"));
  EXPECT_TRUE(Has(c, "listen 8088 default_server;"));
  EXPECT_TRUE(Has(c, "return 404;"));
}

TEST(NginxConfTest, FileNamesAndWhichFilesAreRoutes) {
  EXPECT_EQ(RouteFileName("beaver", "alice"), "beaver-alice.conf");
  EXPECT_TRUE(LooksLikeRouteFile("beaver-alice.conf", "beaver"));
  EXPECT_TRUE(LooksLikeRouteFile("beaver-a-b-c.conf", "beaver"));
  EXPECT_FALSE(LooksLikeRouteFile("other-alice.conf", "beaver"));
  EXPECT_FALSE(LooksLikeRouteFile("beaver-alice.conf.tmp-123", "beaver"));
  EXPECT_FALSE(LooksLikeRouteFile("beaver-.conf", "beaver"));
  EXPECT_FALSE(LooksLikeRouteFile("beaver-Alice.conf", "beaver"));
  EXPECT_FALSE(LooksLikeRouteFile(kCommonFile, "00-berth"));
  EXPECT_FALSE(IsBerthFile("server { listen 80; }\n"));
}

TEST(NginxConfTest, ErrorSummaryKeepsTheEmergLines) {
  std::string out =
      "nginx: [emerg] unknown directive \"bogus_directive\" in /etc/nginx/conf.d/b-x.conf:20\n"
      "nginx: configuration file /etc/nginx/nginx.conf test failed\n";
  EXPECT_EQ(NginxErrorSummary(out),
            "[emerg] unknown directive \"bogus_directive\" in /etc/nginx/conf.d/b-x.conf:20");
  EXPECT_EQ(NginxErrorSummary("  something odd \n"), "something odd");
}

}  // namespace
}  // namespace berth::router
