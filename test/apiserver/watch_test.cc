// Watch streams through real HTTP: order, bookmarks, 410, tables, timeouts,
// and that abandoned watches end and release their threads.
#include <gtest/gtest.h>

#include <regex>

#include "test/apiserver/fixture.h"

namespace berth::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class WatchTest : public ApiServerTest {
 protected:
  std::string Create(const std::string& name) {
    auto r = Admin().Post(kStacks, StackJson(name));
    EXPECT_EQ(r.code, 201) << r.body;
    return r.json()["metadata"]["resourceVersion"];
  }
  // The value of berth_apiserver_open_watches in /metrics.
  int OpenWatches() {
    auto m = Anonymous().Get("/metrics");
    std::smatch match;
    static const std::regex re("\\nberth_apiserver_open_watches ([0-9.]+)");
    if (!std::regex_search(m.body, match, re)) return -1;
    return std::stoi(match[1]);
  }
  // Skips heartbeats' effects and bookmarks; returns the next real event.
  std::optional<Json> NextEvent(WatchStream& w) {
    for (int i = 0; i < 100; ++i) {
      auto ev = w.Next(seconds(20));
      if (!ev) return std::nullopt;
      if ((*ev)["type"] != "BOOKMARK") return ev;
    }
    return std::nullopt;
  }
};

TEST_F(WatchTest, FromResourceVersionSeesLaterChangesInOrder) {
  std::string rv = Create("a");
  auto w = Watch(std::string(kStacks) + "?watch=true&resourceVersion=" + rv, admin_);
  Create("b");
  ASSERT_EQ(Admin().Patch(std::string(kStacks) + "/b", R"({"metadata":{"labels":{"x":"y"}}})").code,
            200);
  ASSERT_EQ(Admin().Delete(std::string(kStacks) + "/a").code, 200);
  auto e1 = NextEvent(*w), e2 = NextEvent(*w), e3 = NextEvent(*w);
  ASSERT_TRUE(e1 && e2 && e3);
  EXPECT_EQ((*e1)["type"], "ADDED");
  EXPECT_EQ((*e1)["object"]["metadata"]["name"], "b");
  EXPECT_EQ((*e2)["type"], "MODIFIED");
  EXPECT_EQ((*e2)["object"]["metadata"]["labels"]["x"], "y");
  EXPECT_EQ((*e3)["type"], "DELETED");
  EXPECT_EQ((*e3)["object"]["metadata"]["name"], "a");
  EXPECT_EQ(w->code(), 0);  // still streaming
}

TEST_F(WatchTest, WithoutResourceVersionStartsWithCurrentObjects) {
  Create("a");
  Create("b");
  auto w = Watch(std::string(kStacks) + "?watch=1", viewer_);
  auto e1 = NextEvent(*w), e2 = NextEvent(*w);
  ASSERT_TRUE(e1 && e2);
  EXPECT_EQ((*e1)["type"], "ADDED");
  EXPECT_EQ((*e2)["type"], "ADDED");
}

TEST_F(WatchTest, BookmarksCarryProgress) {
  std::string rv = Create("a");
  auto w = Watch(
      std::string(kStacks) + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv, admin_);
  std::optional<Json> bm;
  for (int i = 0; i < 50 && !bm; ++i) {
    auto ev = w->Next(seconds(20));
    ASSERT_TRUE(ev);
    if ((*ev)["type"] == "BOOKMARK") bm = ev;
  }
  ASSERT_TRUE(bm);
  EXPECT_EQ((*bm)["object"]["kind"], "Stack");
  EXPECT_GE(std::stoll((*bm)["object"]["metadata"]["resourceVersion"].get<std::string>()),
            std::stoll(rv));
}

TEST_F(WatchTest, CompactedResourceVersionIsGone) {
  std::string first = Create("a");
  Create("b");
  Create("c");
  auto cur = store_->CurrentRevision();
  ASSERT_TRUE(cur.ok());
  ASSERT_TRUE(store_->Compact(*cur).ok());
  auto w = Watch(std::string(kStacks) + "?watch=true&resourceVersion=" + first, admin_);
  auto ev = w->Next(seconds(20));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["type"], "ERROR");
  EXPECT_EQ((*ev)["object"]["kind"], "Status");
  EXPECT_EQ((*ev)["object"]["code"], 410);
  EXPECT_EQ((*ev)["object"]["reason"], "Expired");
  EXPECT_TRUE(Eventually([&] { return w->Ended(); }));
  EXPECT_EQ(w->code(), 200);
}

TEST_F(WatchTest, TableWatchAndLegacyPath) {
  Create("a");
  auto w = Watch("/apis/berth.dev/v1alpha1/watch/namespaces/default/stacks", admin_,
                 {"Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json"});
  auto ev = NextEvent(*w);
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["type"], "ADDED");
  EXPECT_EQ((*ev)["object"]["kind"], "Table");
  EXPECT_EQ((*ev)["object"]["rows"][0]["cells"][0], "a");
  EXPECT_EQ((*ev)["object"]["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ((*ev)["object"]["columnDefinitions"][0]["name"], "Name");
}

TEST_F(WatchTest, SingleObjectAndSelectors) {
  std::string rv = Create("a");
  auto by_name = Watch(std::string(kStacks) + "/b?watch=true&resourceVersion=" + rv, admin_);
  auto by_label = Watch(
      std::string(kStacks) + "?watch=true&labelSelector=app%3Dz&resourceVersion=" + rv, admin_);
  Create("c");
  Json b = StackJson("b");
  b["metadata"]["labels"] = {{"app", "z"}};
  ASSERT_EQ(Admin().Post(kStacks, b).code, 201);
  auto e1 = NextEvent(*by_name);
  auto e2 = NextEvent(*by_label);
  ASSERT_TRUE(e1 && e2);
  EXPECT_EQ((*e1)["object"]["metadata"]["name"], "b");
  EXPECT_EQ((*e2)["object"]["metadata"]["name"], "b");
}

TEST_F(WatchTest, TimeoutSecondsEndsTheStream) {
  auto w = Watch(std::string(kStacks) + "?watch=true&timeoutSeconds=1", admin_);
  EXPECT_TRUE(Eventually([&] { return w->Ended(); }));
  EXPECT_EQ(w->code(), 200);
}

TEST_F(WatchTest, HeartbeatsKeepIdleStreamsAlive) {
  auto w = Watch(std::string(kStacks) + "?watch=true&resourceVersion=1", admin_);
  EXPECT_TRUE(Eventually([&] { return w->blank_lines() >= 2; }));
}

TEST_F(WatchTest, AbandonedWatchesEndAndReleaseTheirThreads) {
  std::vector<std::unique_ptr<WatchStream>> watches;
  for (int i = 0; i < 5; ++i)
    watches.push_back(Watch(std::string(kStacks) + "?watch=true", admin_));
  ASSERT_TRUE(Eventually([&] { return OpenWatches() == 5; })) << OpenWatches();
  for (auto& w : watches) w->Close();  // the clients go away without a word
  EXPECT_TRUE(Eventually([&] { return OpenWatches() == 0; })) << OpenWatches();
  EXPECT_TRUE(Eventually([&] { return server_->open_streams() == 0; }));
}

TEST_F(WatchTest, StopEndsOpenWatches) {
  auto w = Watch(std::string(kStacks) + "?watch=true", admin_);
  ASSERT_TRUE(Eventually([&] { return OpenWatches() == 1; }));
  server_->Stop();
  EXPECT_TRUE(Eventually([&] { return w->Ended(); }, seconds(10)));
  EXPECT_EQ(server_->open_streams(), 0u);
}

TEST_F(WatchTest, HundredWatchersAndRequestsStillAnswer) {
  std::string rv = Create("seed");
  std::vector<std::unique_ptr<WatchStream>> watches;
  for (int i = 0; i < 100; ++i) {
    watches.push_back(Watch(std::string(kStacks) + "?watch=true&resourceVersion=" + rv, viewer_));
  }
  ASSERT_TRUE(Eventually([&] { return OpenWatches() == 100; }, seconds(60))) << OpenWatches();
  // Ordinary requests are not starved by the open streams.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Admin().Get(kStacks).code, 200);
  Create("fan-out");
  for (auto& w : watches) {
    auto ev = NextEvent(*w);
    ASSERT_TRUE(ev);
    EXPECT_EQ((*ev)["object"]["metadata"]["name"], "fan-out");
  }
  for (auto& w : watches) w->Close();
  EXPECT_TRUE(Eventually([&] { return OpenWatches() == 0; }, seconds(60)));
}

TEST_F(WatchTest, BadWatchRequests) {
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "?watch=true&resourceVersion=abc").code, 400);
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "?watch=true&labelSelector=a%20in%20(").code, 400);
  EXPECT_EQ(Admin().Get(std::string(kStacks) + "?watch=true&timeoutSeconds=-1").code, 400);
  EXPECT_EQ(Admin().Do("POST", std::string(kStacks) + "?watch=true", StackJson("x").dump()).code,
            405);
}

}  // namespace
}  // namespace berth::testing
