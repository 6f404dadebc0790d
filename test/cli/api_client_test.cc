#include "operator/cli/api_client.h"

#include <gtest/gtest.h>

#include <deque>

#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

// Answers requests from a script and records them.
class FakeTransport : public Transport {
 public:
  struct Reply {
    long status;
    std::string body;
    std::vector<std::string> chunks;  // for Stream
  };
  std::deque<Reply> replies;
  std::vector<HttpRequest> seen;

  Result<HttpResponse> Send(const HttpRequest& r) override {
    seen.push_back(r);
    if (replies.empty()) return Status::Unavailable("no reply scripted");
    Reply rep = replies.front();
    replies.pop_front();
    return HttpResponse{rep.status, rep.body};
  }
  Result<HttpResponse> Stream(const HttpRequest& r,
                              const std::function<bool(std::string_view)>& on_data) override {
    seen.push_back(r);
    Reply rep = replies.front();
    replies.pop_front();
    if (rep.status != 200) return HttpResponse{rep.status, rep.body};
    for (const auto& c : rep.chunks) {
      if (!on_data(c)) break;
    }
    return HttpResponse{200, ""};
  }
};

const api::KindInfo& Kind(const char* n) {
  return **ResolveKind(api::Catalog::Builtin(), n);
}

std::string Query(const HttpRequest& r) {
  std::string q;
  for (const auto& [k, v] : r.query) q += k + "=" + v + "&";
  return q;
}

TEST(ApiClientTest, Paths) {
  EXPECT_EQ(ResourcePath(Kind("stack"), "default", "web"),
            "/apis/berth.dev/v1alpha1/namespaces/default/stacks/web");
  EXPECT_EQ(ResourcePath(Kind("stack"), "", ""), "/apis/berth.dev/v1alpha1/stacks");
  EXPECT_EQ(ResourcePath(Kind("gpunode"), "default", "gpu-b", "status"),
            "/apis/berth.dev/v1alpha1/gpunodes/gpu-b/status");
  EXPECT_EQ(ResourcePath(Kind("stack"), "ns", "web", "log"),
            "/apis/berth.dev/v1alpha1/namespaces/ns/stacks/web/log");
}

TEST(ApiClientTest, DecodesStatusWithCauses) {
  Status s = DecodeErrorResponse(422, R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"Stack \"web\" is invalid","reason":"Invalid","code":422,
    "details":{"name":"web","kind":"stacks","causes":[
      {"reason":"FieldValueRequired","message":"Required value","field":"spec.services.web.image"}]}})");
  EXPECT_EQ(s.code(), Code::kInvalid);
  EXPECT_EQ(s.message(), "Stack \"web\" is invalid");
  ASSERT_EQ(s.causes().size(), 1u);
  EXPECT_EQ(s.causes()[0].field, "spec.services.web.image");
  EXPECT_EQ(s.causes()[0].reason, "FieldValueRequired");

  EXPECT_EQ(DecodeErrorResponse(409, R"({"kind":"Status","reason":"AlreadyExists","message":"x"})")
                .code(),
            Code::kAlreadyExists);
  EXPECT_EQ(
      DecodeErrorResponse(409, R"({"kind":"Status","reason":"Conflict","message":"x"})").code(),
      Code::kConflict);
  Status plain = DecodeErrorResponse(502, "<html>bad gateway</html>\n");
  EXPECT_EQ(plain.message(), "the server responded with HTTP 502: <html>bad gateway</html>");
  EXPECT_EQ(DecodeErrorResponse(403, "").code(), Code::kForbidden);
}

TEST(ApiClientTest, UnauthorizedCarriesTheHint) {
  auto t = std::make_unique<FakeTransport>();
  t->replies.push_back(
      {401, R"({"kind":"Status","reason":"Unauthorized","message":"Unauthorized"})", {}});
  HttpApiClient c(std::move(t), "no token was given: pass --token");
  auto r = c.Get(Kind("stack"), "default", "web");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnauthorized);
  EXPECT_EQ(r.status().message(), "Unauthorized (no token was given: pass --token)");
}

TEST(ApiClientTest, ListFollowsContinueAndFillsKinds) {
  auto t = std::make_unique<FakeTransport>();
  FakeTransport* tp = t.get();
  t->replies.push_back(
      {200,
       R"({"items":[{"metadata":{"name":"a"}}],"metadata":{"continue":"tok","resourceVersion":"5"}})",
       {}});
  t->replies.push_back(
      {200, R"({"items":[{"metadata":{"name":"b"}}],"metadata":{"resourceVersion":"7"}})", {}});
  HttpApiClient c(std::move(t), "");
  ListOptions o;
  o.label_selector = "app=web";
  auto l = c.List(Kind("stack"), "default", o);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->items.size(), 2u);
  EXPECT_EQ(l->items[1].kind(), "Stack");
  EXPECT_EQ(l->resource_version, "7");
  ASSERT_EQ(tp->seen.size(), 2u);
  EXPECT_EQ(Query(tp->seen[0]), "labelSelector=app=web&limit=500&");
  EXPECT_EQ(Query(tp->seen[1]), "labelSelector=app=web&limit=500&continue=tok&");
}

TEST(ApiClientTest, ApplyPatchSendsContentTypeAndQuery) {
  auto t = std::make_unique<FakeTransport>();
  FakeTransport* tp = t.get();
  t->replies.push_back({200, R"({"kind":"Stack","metadata":{"name":"web"}})", {}});
  HttpApiClient c(std::move(t), "");
  WriteOptions w;
  w.dry_run = true;
  auto r = c.Patch(Kind("stack"), "default", "web", PatchType::kApply, "{}", w);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(tp->seen[0].method, "PATCH");
  EXPECT_EQ(tp->seen[0].content_type, "application/apply-patch+yaml");
  EXPECT_EQ(Query(tp->seen[0]), "dryRun=All&");
}

TEST(ApiClientTest, WatchSplitsLinesAcrossChunksAndStopsOnError) {
  auto t = std::make_unique<FakeTransport>();
  t->replies.push_back(
      {200,
       "",
       {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"1"}}})"
        "\n{\"type\":\"MODI",
        R"(FIED","object":{"metadata":{"name":"a","resourceVersion":"2"}}})"
        "\n",
        R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}})"
        "\n"}});
  HttpApiClient c(std::move(t), "");
  std::vector<std::string> types;
  Status st = c.Watch(Kind("stack"), "default", {}, [&](const WatchEvent& e) {
    types.push_back(e.type + ":" + e.object.resource_version());
    return true;
  });
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED:1", "MODIFIED:2"}));
  EXPECT_EQ(st.code(), Code::kGone);
}

TEST(ApiClientTest, LineSplitterDeliversTrailingPartialLine) {
  std::vector<std::string> lines;
  LineSplitter s([&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  });
  EXPECT_TRUE(s.Feed("one\r\ntw"));
  EXPECT_TRUE(s.Feed("o\nthree"));
  EXPECT_TRUE(s.Finish());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace berth::cli
