// share_stacks (seed 000) end to end: the real `berth serve` (controllers on)
// and the real `berth` CLI run manifests/test/share-stacks.yaml against the
// real dockerd, with real PostgreSQL and Redis (Valkey) containers. Proves
// issue 4's "Done when" items: Ready, dependsOn order from the engine's own
// event timestamps, pg_init's databases and users, a failing pg_init blocking
// its dependents (retried, with the Failed condition), drift repair of
// containers removed, stopped and killed by hand, recreation of a changed
// service and its dependents only; plus `logs`, `logs -f`, `describe` and
// `get -w`. The internal network: stack_share_network_e2e_test.cc.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <sstream>

#include "test/e2e/share_stacks_fixture.h"

namespace berth::e2e {
namespace {

TEST_F(ShareStacksE2E, ReachesReadyInDependencyOrderWithDatabasesCreated) {
  std::string yaml = Manifest("test/share-stacks.yaml");
  ContainerTimeline tl(docker_.client(), kStack);
  ASSERT_TRUE(tl.Start());
  auto watch = server_->Spawn({"get", "stacks", "-w"});
  // The watch is established once the list is printed: a header, or (as
  // kubectl says for an empty namespace) "No resources found" on stderr.
  auto listed = [&] {
    return watch->out().find("NAME") != std::string::npos ||
           watch->err().find("No resources found") != std::string::npos;
  };
  for (auto until = std::chrono::steady_clock::now() + seconds(30);
       !listed() && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_TRUE(listed()) << watch->err();

  auto t0 = std::chrono::steady_clock::now();
  UpAndReady(yaml);
  auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "share-stacks test stack: apply to Ready in " << took.count() << " ms\n";

  // get -w printed the progress live: Progressing lines before the Ready one.
  ASSERT_TRUE(watch->WaitForOutput("10/10", seconds(30))) << watch->out();
  std::string w = watch->out();
  watch->Kill(SIGTERM);
  EXPECT_HAS(w, "Progressing");
  size_t progressing = w.find("Progressing"), ready = w.rfind("Ready");
  EXPECT_LT(progressing, ready) << w;
  std::set<std::string> counts;  // distinct READY values printed
  std::istringstream lines(w);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name, ready_count;
    if (fields >> name >> ready_count && name == kStack) counts.insert(ready_count);
  }
  EXPECT_GE(counts.size(), 3u) << "expected several READY counts in get -w:\n" << w;

  tl.Stop();
  ExpectDependencyOrder(StackSpecOf(yaml), tl, 11);

  // pg_init's databases, users and extensions are in the real PostgreSQL.
  auto [code, dbs] = docker_.Exec("share_postgres", {"psql", "-U", "postgres", "-tAc",
                                                     "SELECT datname FROM pg_database ORDER BY 1"});
  ASSERT_EQ(code, 0) << dbs;
  for (const char* db : {"gptload", "litellm", "firecrawl"}) EXPECT_HAS(dbs, db);
  auto [code2, ext] =
      docker_.Exec("share_postgres", {"psql", "-U", "postgres", "-d", "gptload", "-tAc",
                                      "SELECT extname FROM pg_extension ORDER BY 1"});
  ASSERT_EQ(code2, 0) << ext;
  EXPECT_HAS(ext, "pg_trgm");
  EXPECT_HAS(ext, "pgcrypto");
  // ... and the users log in with the passwords from the Secret.
  auto [code3, who] =
      docker_.Exec("share_postgres",
                   {"sh", "-c",
                    "PGPASSWORD=test-litellm-db-pw psql -h 127.0.0.1 -U litellm -d litellm -tAc "
                    "'CREATE TABLE t(x int); DROP TABLE t; SELECT current_user'"});
  EXPECT_EQ(code3, 0) << who;
  EXPECT_HAS(who, "litellm");

  // Published ports answer on 127.0.0.1; databases publish nothing.
  for (auto [port, path] :
       std::vector<std::pair<int, std::string>>{{3001, "/health"},
                                                {4000, "/health/liveliness"},
                                                {8088, "/healthz"},
                                                {7070, "/mcp"},
                                                {3002, "/v0/health/liveness"}}) {
    EXPECT_EQ(Http(port, "GET", path).status, 200) << port << path;
  }
  for (const char* db : {"share_postgres", "share_valkey", "share_rabbitmq"}) {
    auto c = docker_.Inspect(db);
    ASSERT_TRUE(c);
    const json& bindings = c->raw["HostConfig"]["PortBindings"];
    EXPECT_TRUE(bindings.is_null() || bindings.empty()) << db << ": " << bindings.dump();
  }

  // describe: each service's phase and health.
  RunResult r = server_->Berth({"describe", "stack", kStack});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "Ready:");
  EXPECT_HAS(r.out, "10/10");
  EXPECT_HAS(r.out, "pg_init");
  EXPECT_HAS(r.out, "Completed");
  EXPECT_HAS(r.out, "Healthy");
  EXPECT_HAS(r.out, "healthy");
  EXPECT_HAS(r.out, "share_gptload");

  // logs: the job's output; -f follows a service.
  r = server_->Berth({"logs", std::string("stack/") + kStack, "pg_init"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "pg_init: database gptload and user gptload ready");
  EXPECT_HAS(r.out, "pg_init: done");
  auto follow = server_->Spawn({"logs", "-f", std::string("stack/") + kStack, "gpt-load"});
  ASSERT_TRUE(follow->WaitForOutput("berth-echo", seconds(30))) << follow->err();
  std::string marker = "/e2e-follow-" + std::to_string(::getpid());
  EXPECT_TRUE(Eventually(
      [&] {
        Http(3001, "GET", marker);
        return follow->out().find(marker) != std::string::npos;
      },
      seconds(30), milliseconds(500)))
      << follow->out();
  follow->Kill(SIGTERM);

  r = server_->Berth({"events"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "Ready");
}

TEST_F(ShareStacksE2E, FailingPgInitBlocksDependentsAndReportsExitCode) {
  std::string yaml = EditManifest(Manifest("test/share-stacks.yaml"), [](json& d) {
    if (d.value("kind", "") != "Stack") return;
    d["spec"]["services"]["pg_init"]["command"] = {
        "sh", "-c",
        "echo 'pg_init: connecting to postgres'; "
        "echo 'pg_init: FATAL: cannot create database gptload' >&2; exit 3"};
  });
  ContainerTimeline tl(docker_.client(), kStack);
  ASSERT_TRUE(tl.Start());
  RunResult r = server_->Apply(yaml);
  ASSERT_EQ(r.code, 0) << r.err;

  // It fails, is retried after its backoff (5 s) and fails again.
  json st;
  bool failed = Eventually(
      [&] {
        st = server_->Get("stack", kStack)["status"];
        const json& pg = st["services"]["pg_init"];
        return pg.is_object() && pg.value("phase", "") == "Failed" &&
               pg.value("exitCode", 0) == 3 && pg.value("attempts", 0) >= 2 &&
               pg.value("lastError", "").find("cannot create database gptload") !=
                   std::string::npos &&
               st["services"]["searxng"].value("phase", "") == "Healthy";
      },
      seconds(180), milliseconds(200));
  ASSERT_TRUE(failed) << st.dump(2);
  EXPECT_HAS(st["services"]["pg_init"].value("lastError", ""), "exit code 3");
  // The engine saw it run and exit at least twice, in two containers; none
  // of its dependents ever started.
  auto exited_runs = [&] {
    int n = 0;
    for (const auto& [id, t] : tl.ByContainer()) n += t.service == "pg_init" && !t.die.empty();
    return n;
  };
  EXPECT_TRUE(Eventually([&] { return exited_runs() >= 2; }, seconds(30))) << tl.Dump();
  tl.Stop();
  for (const auto& [id, t] : tl.ByContainer()) {
    EXPECT_TRUE(t.service != "gpt-load" && t.service != "litellm" && t.service != "firecrawl")
        << t.service << " started although pg_init never completed\n"
        << tl.Dump();
  }

  // The Failed condition: True, with the exit code and a line of the log.
  json failed_cond;
  for (const json& c : st["conditions"]) {
    if (c.value("type", "") == "Failed") failed_cond = c;
  }
  ASSERT_TRUE(failed_cond.is_object()) << st.dump(2);
  EXPECT_EQ(failed_cond.value("status", ""), "True") << failed_cond.dump();
  EXPECT_EQ(failed_cond.value("reason", ""), "JobFailed");
  EXPECT_HAS(failed_cond.value("message", ""), "job pg_init failed");
  EXPECT_HAS(failed_cond.value("message", ""), "exit code 3");
  EXPECT_HAS(failed_cond.value("message", ""), "pg_init: FATAL: cannot create database gptload");

  // Its dependents wait, without a container; the rest runs.
  for (const char* dep : {"gpt-load", "litellm", "firecrawl"}) {
    const json& s = st["services"][dep];
    EXPECT_EQ(s.value("phase", ""), "Waiting") << dep << ": " << s.dump();
    EXPECT_FALSE(s.contains("containerID")) << dep << ": " << s.dump();
    EXPECT_HAS(s.value("message", ""), "pg_init");
  }
  for (const char* name : {"share_gptload", "share_litellm", "share_firecrawl"}) {
    EXPECT_FALSE(docker_.Inspect(name)) << name << " exists";
  }
  for (const char* ok :
       {"postgres", "valkey", "searxng", "playwright", "rabbitmq", "firecrawl-playwright"}) {
    EXPECT_EQ(st["services"][ok].value("phase", ""), "Healthy") << ok;
  }
  bool degraded = false;
  for (const json& c : st["conditions"]) {
    if (c.value("type", "") == "Degraded") {
      degraded = c.value("status", "") == "True";
      EXPECT_HAS(c.value("message", ""), "pg_init");
    }
  }
  EXPECT_TRUE(degraded) << st.dump(2);
  EXPECT_NE(st.value("phase", ""), "Ready");

  r = server_->Berth({"events"});
  EXPECT_HAS(r.out, "JobFailed");
  EXPECT_HAS(r.out, "exited with code 3");
  r = server_->Berth({"describe", "stack", kStack});
  EXPECT_HAS(r.out, "Failed");
  EXPECT_HAS(r.out, "JobFailed");
  EXPECT_HAS(r.out, "cannot create database gptload");
  // Still nothing of its dependents was ever created.
  for (const char* name : {"share_gptload", "share_litellm", "share_firecrawl"}) {
    EXPECT_FALSE(docker_.Inspect(name)) << name << " exists";
  }
}

TEST_F(ShareStacksE2E, RepairsDriftAndRecreatesChangedServiceWithItsDependentsOnly) {
  std::string yaml = Manifest("test/share-stacks.yaml");
  UpAndReady(yaml);

  // Drift: a container removed by hand comes back (the issue asks within 2 s).
  for (const char* name : {"share_gptload", "share_playwright"}) {
    auto before = docker_.Inspect(name);
    ASSERT_TRUE(before);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(docker_.client().RemoveContainer(before->id, true, false).ok());
    bool back = Eventually(
        [&] {
          auto c = docker_.Inspect(name);
          return c && c->id != before->id && c->state.running;
        },
        seconds(60), milliseconds(10));
    auto ms = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
    ASSERT_TRUE(back) << name << " was not recreated";
    std::cout << "drift repair: " << name << " removed by hand, running again after " << ms.count()
              << " ms\n";
  }
  // A container stopped or killed by hand: Docker's unless-stopped restarts
  // neither (both count as stopped by hand), berth starts the same container
  // again. Waits until the engine has seen it exit, then until it runs.
  struct Drift {
    const char* name;
    const char* how;
    std::function<Status(const std::string& id)> act;
  };
  std::vector<Drift> drifts = {
      {"share_searxng", "stopped (docker stop)",
       [&](const std::string& id) { return docker_.client().StopContainer(id, seconds(5)); }},
      {"share_litellm", "killed (docker kill)",
       [&](const std::string& id) { return docker_.client().KillContainer(id, "SIGKILL"); }},
  };
  for (const Drift& d : drifts) {
    auto before = docker_.Inspect(d.name);
    ASSERT_TRUE(before && before->state.running) << d.name;
    std::string started = before->state.started_at;
    Status st = d.act(before->id);
    ASSERT_TRUE(st.ok()) << d.name << ": " << st.ToString();
    auto t0 = std::chrono::steady_clock::now();  // docker stop returns once it has exited
    bool back = Eventually(
        [&] {
          auto c = docker_.Inspect(d.name);
          // Running again: a new start of the same container (or a new one).
          return c && c->state.running && (c->id != before->id || c->state.started_at != started);
        },
        seconds(60), milliseconds(10));
    auto ms = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0);
    ASSERT_TRUE(back) << d.name << " " << d.how << " is not running again";
    std::cout << "drift repair: " << d.name << " " << d.how << ", running again " << ms.count()
              << " ms after the command returned\n";
  }
  ASSERT_TRUE(ReadyForGeneration(seconds(120)));
  // berth did it (Docker's restart policy leaves them stopped): its events.
  RunResult ev = server_->Berth({"events"});
  EXPECT_HAS(ev.out, "started container of service searxng: container stopped");
  EXPECT_HAS(ev.out, "started container of service litellm: container stopped");

  // A changed env of valkey: valkey and everything that depends on it
  // (gpt-load, litellm, searxng, firecrawl) are recreated, nothing else.
  std::map<std::string, std::string> before = ContainerIds();
  ContainerTimeline tl(docker_.client(), kStack);
  ASSERT_TRUE(tl.Start());
  std::string changed = EditManifest(yaml, [](json& d) {
    if (d.value("kind", "") == "Stack") d["spec"]["services"]["valkey"]["env"]["E2E_CHANGE"] = "1";
  });
  RunResult r = server_->Apply(changed);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(Eventually(
      [&] {
        auto c = docker_.Inspect("share_valkey");
        return c && c->id != before["share_valkey"];
      },
      seconds(60)));
  ASSERT_TRUE(ReadyForGeneration(seconds(180)));
  tl.Stop();
  std::map<std::string, std::string> after = ContainerIds();
  std::set<std::string> rolled = {"share_valkey", "share_gptload", "share_litellm", "share_searxng",
                                  "share_firecrawl"};
  for (const std::string& name : kContainerNames) {
    if (rolled.count(name)) {
      EXPECT_NE(before[name], after[name]) << name << " should have been recreated";
    } else {
      EXPECT_EQ(before[name], after[name]) << name << " should not have been touched";
    }
  }
  // Recreated in dependency order, too.
  json spec = StackSpecOf(changed);
  ExpectDependencyOrder(
      [&] {
        json only = json::object();
        only["services"] = json::object();
        for (const char* s : {"valkey", "gpt-load", "litellm", "searxng", "firecrawl"}) {
          json svc = spec["services"][s];
          json deps = json::object();
          json old_deps =
              svc.value("dependsOn", json::object());  // items() does not own a temporary
          for (const auto& [d, c] : old_deps.items()) {
            if (d == "valkey") deps[d] = c;
          }
          svc["dependsOn"] = deps;
          only["services"][s] = svc;
        }
        return only;
      }(),
      tl, 4);
}

}  // namespace
}  // namespace berth::e2e
