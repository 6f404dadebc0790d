#include "controllers/instance/status.h"

#include <gtest/gtest.h>

#include "operator/api/meta.h"

namespace berth::instance {
namespace {

Observation Running() {
  Observation o;
  o.generation = 3;
  o.url = "http://alice.localhost:8088";
  o.host = "alice.localhost";
  o.container_name = "berth_beaver_alice";
  o.container_id = "abc";
  o.router_file = "/d/beaver-alice.conf";
  o.running = true;
  o.health = "healthy";
  o.route = RouteState::kRouted;
  return o;
}

std::string Cond(const api::Json& st, const char* type, const char* field) {
  const api::Json* c = api::FindCondition(st, type);
  return c ? c->value(field, "") : "<none>";
}

TEST(InstanceStatusTest, ReadyWhenRunningHealthyRoutedAndConfigured) {
  auto now = std::chrono::system_clock::now();
  api::Json st = BuildStatus(api::Json(), Running(), now);
  EXPECT_EQ(st["phase"], "Ready");
  EXPECT_EQ(st["url"], "http://alice.localhost:8088");
  EXPECT_EQ(st["routerFile"], "/d/beaver-alice.conf");
  EXPECT_EQ(st["observedGeneration"], 3);
  EXPECT_EQ(Cond(st, "Ready", "status"), "True");
  EXPECT_EQ(Cond(st, "Routed", "status"), "True");
  EXPECT_EQ(Cond(st, "Configured", "reason"), "NoProvider");
  EXPECT_TRUE(IsReady(Running()));
}

TEST(InstanceStatusTest, Phases) {
  auto now = std::chrono::system_clock::now();
  auto phase = [&](const Observation& o) { return BuildStatus(api::Json(), o, now)["phase"]; };
  Observation o = Running();
  o.health = "starting";
  EXPECT_EQ(phase(o), "Provisioning");
  o = Running();
  o.health = "unhealthy";
  EXPECT_EQ(phase(o), "Degraded");
  o = Running();
  o.running = false;
  EXPECT_EQ(phase(o), "Provisioning");
  o = Running();
  o.route = RouteState::kRejected;
  o.route_message = "[emerg] unknown directive";
  api::Json st = BuildStatus(api::Json(), o, now);
  EXPECT_EQ(st["phase"], "Degraded");
  EXPECT_EQ(Cond(st, "Routed", "reason"), "RouteRejected");
  EXPECT_NE(Cond(st, "Routed", "message").find("unknown directive"), std::string::npos);
  o = Running();
  o.pending_reason = "StackNotFound";
  EXPECT_EQ(phase(o), "Pending");
  o = Running();
  o.failed_reason = "TemplateNotFound";
  EXPECT_EQ(phase(o), "Failed");
  o = Running();
  o.provider = "p";
  o.configured = false;
  o.config_message = "Provider p: not found";
  st = BuildStatus(api::Json(), o, now);
  EXPECT_EQ(st["phase"], "Degraded");
  EXPECT_EQ(Cond(st, "Configured", "status"), "False");
  o.configured = true;
  st = BuildStatus(api::Json(), o, now);
  EXPECT_EQ(Cond(st, "Configured", "reason"), "ProviderConfigured");
}

TEST(InstanceStatusTest, TransitionTimeMovesOnlyWhenStatusChanges) {
  auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1000000));
  api::Json st = BuildStatus(api::Json(), Running(), t0);
  std::string first = Cond(st, "Ready", "lastTransitionTime");
  api::Json again = BuildStatus(st, Running(), t0 + std::chrono::seconds(60));
  EXPECT_EQ(again, st);  // nothing changed: nothing to write
  Observation o = Running();
  o.health = "unhealthy";
  api::Json later = BuildStatus(st, o, t0 + std::chrono::seconds(60));
  EXPECT_NE(Cond(later, "Ready", "lastTransitionTime"), first);
}

std::string CondGen(const api::Json& st, const char* type) {
  const api::Json* c = api::FindCondition(st, type);
  return c ? std::to_string(c->value("observedGeneration", int64_t{-1})) : "<none>";
}

TEST(InstanceStatusTest, DegradedConditionNamesEachProblem) {
  auto now = std::chrono::system_clock::now();
  // A good Instance: Degraded False, with the generation it observed.
  api::Json st = BuildStatus(api::Json(), Running(), now);
  EXPECT_EQ(Cond(st, "Degraded", "status"), "False");
  EXPECT_EQ(Cond(st, "Degraded", "reason"), "AsExpected");
  EXPECT_EQ(CondGen(st, "Degraded"), "3");

  // nginx refused the route: True, with nginx's message.
  Observation o = Running();
  o.route = RouteState::kRejected;
  o.route_message =
      "nginx: [emerg] unknown directive \"bogus_directive\" in /etc/nginx/conf.d/x.conf:12";
  st = BuildStatus(st, o, now);
  EXPECT_EQ(Cond(st, "Degraded", "status"), "True");
  EXPECT_EQ(Cond(st, "Degraded", "reason"), "RouteRejected");
  EXPECT_NE(Cond(st, "Degraded", "message").find("unknown directive \"bogus_directive\""),
            std::string::npos)
      << Cond(st, "Degraded", "message");
  EXPECT_EQ(st["phase"], "Degraded");

  // The provider config is refused too: both in the message, the route first.
  o.provider = "p";
  o.configured = false;
  o.config_message = "Provider p: Secret \"k\" has no key \"apiKey\"";
  st = BuildStatus(st, o, now);
  EXPECT_EQ(Cond(st, "Degraded", "reason"), "RouteRejected");
  EXPECT_NE(Cond(st, "Degraded", "message").find("has no key"), std::string::npos);
  EXPECT_NE(Cond(st, "Degraded", "message").find("bogus_directive"), std::string::npos);

  // Only the config: ProviderNotConfigured.
  o = Running();
  o.provider = "p";
  o.configured = false;
  o.config_message = "Provider p: not found";
  st = BuildStatus(st, o, now);
  EXPECT_EQ(Cond(st, "Degraded", "status"), "True");
  EXPECT_EQ(Cond(st, "Degraded", "reason"), "ProviderNotConfigured");
  EXPECT_EQ(Cond(st, "Degraded", "message"), "Provider p: not found");

  // A failing container: unhealthy, or crashing and restarted by Docker.
  o = Running();
  o.health = "unhealthy";
  st = BuildStatus(st, o, now);
  EXPECT_EQ(Cond(st, "Degraded", "reason"), "Unhealthy");
  o = Running();
  o.running = false;
  o.restarting = true;
  o.exit_code = 3;
  o.generation = 4;
  st = BuildStatus(st, o, now);
  EXPECT_EQ(st["phase"], "Degraded");
  EXPECT_EQ(Cond(st, "Degraded", "reason"), "ContainerFailing");
  EXPECT_NE(Cond(st, "Degraded", "message").find("exited with code 3"), std::string::npos);
  EXPECT_EQ(CondGen(st, "Degraded"), "4");

  // Still starting, pending or failed for another reason: not degraded.
  o = Running();
  o.health = "starting";
  EXPECT_EQ(Cond(BuildStatus(st, o, now), "Degraded", "status"), "False");
  o = Running();
  o.pending_reason = "StackNotFound";
  EXPECT_EQ(Cond(BuildStatus(st, o, now), "Degraded", "status"), "False");

  // Back to good: False again.
  st = BuildStatus(st, Running(), now);
  EXPECT_EQ(Cond(st, "Degraded", "status"), "False");
  EXPECT_EQ(st["phase"], "Ready");
}

}  // namespace
}  // namespace berth::instance
