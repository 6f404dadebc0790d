// The informer and the event recorder against a real Registry over a real
// SQLite store (sqlite::memory:).
#include <gtest/gtest.h>

#include "operator/api/catalog.h"
#include "operator/registry/registry.h"
#include "operator/runtime/events.h"
#include "operator/runtime/informer.h"
#include "test/mocks/fake_clock.h"
#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

using namespace std::chrono_literals;
using testing::WaitFor;

constexpr const char* kWidgetCrd = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.berth.dev}
spec:
  group: berth.dev
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer, default: 1}}}
)";

api::Object NewWidget(const std::string& ns, const std::string& name, int size) {
  return api::Object(api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                               {"kind", "Widget"},
                               {"metadata", {{"name", name}, {"namespace", ns}}},
                               {"spec", {{"size", size}}}});
}

EventHandler Recorder(testing::Log& log) {
  auto id = [](const api::Object& o) { return o.ns() + "/" + o.name(); };
  EventHandler h;
  h.on_add = [&log, id](const api::Object& o) { log.Add("add " + id(o)); };
  h.on_update = [&log, id](const api::Object& a, const api::Object& b) {
    log.Add("update " + id(b) + " size " + std::to_string(a.spec().value("size", 0)) + "->" +
            std::to_string(b.spec().value("size", 0)));
  };
  h.on_delete = [&log, id](const api::Object& o) { log.Add("delete " + id(o)); };
  return h;
}

class RegistryBackedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto c = api::Catalog::FromCrds({{"widget.yaml", kWidgetCrd}});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(c).value();
    registry_ = std::make_unique<registry::Registry>(*store_, *catalog_);
  }

  std::unique_ptr<store::Store> store_;
  std::shared_ptr<api::Catalog> catalog_;
  std::unique_ptr<registry::Registry> registry_;
};

TEST_F(RegistryBackedTest, InformerFollowsAddsUpdatesDeletesAndResyncs) {
  ASSERT_TRUE(registry_->Create(NewWidget("default", "before", 1)).ok());
  berth::testing::FakeClock clock;
  InformerOptions o;
  o.kind = "Widget";
  o.clock = &clock;
  o.check_interval = 5ms;
  o.resync_period = 1min;
  Informer inf(*registry_, o);
  testing::Log log;
  inf.AddHandler(Recorder(log));
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(20s));
  EXPECT_EQ(log.Lines(), std::vector<std::string>{"add default/before"});

  ASSERT_TRUE(registry_->Create(NewWidget("team", "w", 1)).ok());
  ASSERT_TRUE(WaitFor([&] { return log.Contains("add team/w"); }));
  auto got = registry_->Get("Widget", "team", "w");
  ASSERT_TRUE(got.ok());
  got->json()["spec"]["size"] = 5;
  ASSERT_TRUE(registry_->Update(*got).ok());
  ASSERT_TRUE(WaitFor([&] { return log.Contains("update team/w size 1->5"); }));
  auto cached = inf.Get({"Widget", "team", "w"});
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->spec()["size"], 5);

  ASSERT_TRUE(registry_->Delete("Widget", "team", "w").ok());
  ASSERT_TRUE(WaitFor([&] { return log.Contains("delete team/w"); }));
  EXPECT_FALSE(inf.Get({"Widget", "team", "w"}).has_value());
  EXPECT_EQ(inf.List().size(), 1u);

  log.Clear();
  clock.Advance(1min);
  ASSERT_TRUE(WaitFor([&] { return log.Contains("update default/before size 1->1"); }));
  inf.Stop();
}

TEST_F(RegistryBackedTest, InformerOfOneNamespace) {
  InformerOptions o;
  o.kind = "Widget";
  o.ns = "team";
  o.check_interval = 5ms;
  Informer inf(*registry_, o);
  testing::Log log;
  inf.AddHandler(Recorder(log));
  ASSERT_TRUE(inf.Start().ok());
  ASSERT_TRUE(inf.WaitForSync(20s));
  ASSERT_TRUE(registry_->Create(NewWidget("default", "x", 1)).ok());
  ASSERT_TRUE(registry_->Create(NewWidget("team", "y", 1)).ok());
  ASSERT_TRUE(WaitFor([&] { return log.Contains("add team/y"); }));
  EXPECT_FALSE(log.Contains("add default/x"));
  EXPECT_EQ(inf.Size(), 1u);
}

class EventRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin(), clock_);
  }
  std::vector<api::Object> Events(const std::string& ns) {
    auto l = registry_->List("Event", ns);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? l->items : std::vector<api::Object>{};
  }

  berth::testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
};

TEST_F(EventRegistryTest, EventsPassTheCrdAndRepeatsBecomeASeries) {
  EventRecorderOptions o;
  o.reporting_controller = "berth.dev/stack-controller";
  o.clock = &clock_;
  EventRecorder rec(*registry_, o);
  api::Object stack(
      api::Json{{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "Stack"},
                {"metadata", {{"name", "share"}, {"namespace", "default"}, {"uid", "u-1"}}}});
  rec.Record(stack, EventType::kWarning, "JobFailed", "Start",
             "pg_init exited with code 1: " + std::string(2000, 'x'));
  ASSERT_TRUE(rec.Flush(20s));
  auto evs = Events("default");
  ASSERT_EQ(evs.size(), 1u) << "the Event validated against crds/event.yaml";
  EXPECT_EQ(evs[0].json()["note"].get<std::string>().size(), 1024u);

  clock_.Advance(30s);
  rec.Record(stack, EventType::kWarning, "JobFailed", "Start",
             "pg_init exited with code 1: " + std::string(2000, 'x'));
  ASSERT_TRUE(rec.Flush(20s));
  evs = Events("default");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].json()["series"]["count"], 2);
  EXPECT_EQ(evs[0].json()["series"]["lastObservedTime"], "2027-01-15T08:00:30.000000Z");

  ASSERT_TRUE(registry_->Delete("Event", "default", evs[0].name()).ok());
  rec.Record(stack, EventType::kWarning, "JobFailed", "Start",
             "pg_init exited with code 1: " + std::string(2000, 'x'));
  ASSERT_TRUE(rec.Flush(20s));
  evs = Events("default");
  ASSERT_EQ(evs.size(), 1u) << "a deleted series event is created anew";
  EXPECT_FALSE(evs[0].json().contains("series"));
}

}  // namespace
}  // namespace berth::runtime
