// PostgreSQL restarted under a stream of applies (issue 6). A `berth serve`
// with its controllers runs on a PostgreSQL cluster of this test's own
// (scripts/pg-cluster: restarting it disturbs nobody else) while four client
// threads run `berth apply` of new GpuNodes (a kind no controller writes, so
// every change is a client's) as fast as they can. The database is restarted
// three ways: `pg_ctl restart -m fast`, `-m immediate` (a crash: recovery on
// start) and a stop, 5 s down, start — longer than the leader lease's renew
// deadline, so serve surely loses its leadership. Then:
// - every write acknowledged to a client (exit 0) is there with its content;
// - every client whose write was not acknowledged got an error message
//   (non-zero exit) — never a silent success;
// - a watch open all along (an HTTP watch resumed as a reflector does, and a
//   `berth get gpunodes -w -o json`) saw every acknowledged write as an
//   event, with its resourceVersion, in order, exactly once. The HTTP watch
//   asks the server to end each stream after 2 s, so it is resumed dozens of
//   times — also while the database is down and just after it is back — and
//   each time from the last version it saw: it must never get 410 Gone and
//   list again (a re-list would hide a gap as a difference of lists);
// - serve stayed up (its API serving throughout), is ready again, and leads
//   again after every lease it lost.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "operator/common/strings.h"
#include "test/e2e/stack_e2e_support.h"
#include "test/fault/pg_restart_support.h"

namespace berth::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr int kWriters = 4;
// Each HTTP watch request ends after this long (?timeoutSeconds=).
constexpr int kWatchSeconds = 2;

long Ms(Steady::duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

struct Write {
  std::string name, uuid;
  int writer = 0;
  int code = -1;
  std::string err;
};

std::string GpuNode(const std::string& name, const std::string& uuid, int writer) {
  return "apiVersion: berth.dev/v1alpha1\n"
         "kind: GpuNode\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "  labels:\n"
         "    berth.dev/test: \"1\"\n"
         "    writer: \"" +
         std::to_string(writer) +
         "\"\n"
         "spec:\n"
         "  endpoint: unix:///var/run/docker.sock\n"
         "  gpus:\n"
         "  - index: 0\n"
         "    uuid: " +
         uuid + "\n";
}

class PgRestartFault : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({})) BERTH_E2E_SKIP(*why);  // serve's controllers need it
    if (auto why = pg_.Start()) BERTH_E2E_SKIP(*why);
  }
  void TearDown() override {
    stop_writers_ = true;
    for (auto& t : writers_) {
      if (t.joinable()) t.join();
    }
    if (reflector_) reflector_->Stop();
    if (HasFailure()) {
      if (server_) std::cerr << "---- berth serve log\n" << server_->log() << "\n";
      std::cerr << "---- PostgreSQL log (tail)\n" << Tail(pg_.ServerLog(), 4000) << "\n";
      if (reflector_) std::cerr << "---- HTTP watch notes\n" << reflector_->notes() << "\n";
    }
    if (watch_cli_) watch_cli_->Kill(SIGTERM);
    if (server_) server_->Terminate();
  }

  static std::string Tail(const std::string& s, size_t n) {
    return s.size() > n ? s.substr(s.size() - n) : s;
  }

  // `berth ARGS` for a client thread. Process names its files with a plain
  // counter: spawns are serialized here.
  RunResult Cli(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), BerthBinary());
    std::map<std::string, std::string> env = {
        {"HOME", tmp_.path() + "/home"},
        {"PATH", "/usr/bin:/bin"},
        {"LANG", "C.UTF-8"},
        {"BERTH_SERVER", "http://127.0.0.1:" + std::to_string(server_->port())},
        {"BERTH_TOKEN", server_->token()}};
    std::unique_ptr<Process> p;
    {
      std::lock_guard lock(spawn_mu_);
      p = std::make_unique<Process>(args, env, tmp_.path() + "/cli", stdin_text);
    }
    RunResult r;
    r.code = p->Wait(seconds(60));
    r.out = p->out();
    r.err = p->err();
    return r;
  }

  void Writer(int w) {
    for (int i = 0; !stop_writers_; ++i) {
      Write wr;
      wr.writer = w;
      wr.name = "pgf-w" + std::to_string(w) + "-" + std::to_string(i);
      wr.uuid = "GPU-" + std::to_string(w) + "-" + std::to_string(i) + "-" + RandomHex(6);
      RunResult r = Cli({"apply", "-f", "-"}, GpuNode(wr.name, wr.uuid, w));
      wr.code = r.code;
      wr.err = r.err;
      std::lock_guard lock(mu_);
      writes_.push_back(wr);
      if (r.code == 0) {
        ++acked_[w];
        ack_times_.push_back(Steady::now());
      }
    }
  }

  // Waits until every writer has `n` more acknowledged writes than in `from`.
  bool AckedMore(const std::array<int, kWriters>& from, int n, seconds limit) {
    return Eventually(
        [&] {
          std::lock_guard lock(mu_);
          for (int w = 0; w < kWriters; ++w) {
            if (acked_[w] < from[w] + n) return false;
          }
          return true;
        },
        limit, milliseconds(50));
  }
  std::array<int, kWriters> Acked() {
    std::lock_guard lock(mu_);
    return acked_;
  }
  Steady::time_point FirstAckAfter(Steady::time_point t) {
    std::lock_guard lock(mu_);
    for (auto a : ack_times_) {
      if (a >= t) return a;
    }
    return Steady::now();
  }
  static size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  DockerEnv docker_;
  PgCluster pg_;
  TempDir tmp_;
  std::unique_ptr<StackServer> server_;
  std::unique_ptr<Reflector> reflector_;
  std::unique_ptr<Process> watch_cli_;
  std::mutex spawn_mu_, mu_;
  std::vector<Write> writes_;
  std::array<int, kWriters> acked_{};
  std::vector<Steady::time_point> ack_times_;
  std::atomic<bool> stop_writers_{false};
  std::vector<std::thread> writers_;
};

TEST_F(PgRestartFault, AcknowledgedWritesSurviveClientsSeeErrorsWatchesHaveNoGap) {
  std::filesystem::create_directories(tmp_.path() + "/cli");
  std::filesystem::create_directories(tmp_.path() + "/home");
  server_ = std::make_unique<StackServer>(tmp_.path() + "/serve");
  StackServer::Options opts;
  opts.store_url = pg_.url();
  if (auto why = server_->Start(opts)) {
    if (why->starts_with("no berth binary")) BERTH_E2E_SKIP(*why);
    FAIL() << *why;
  }
  ASSERT_TRUE(server_->WaitLeading(seconds(30))) << server_->log();

  // A first object, so that the CLI watch shows it has listed before the
  // stream of writes starts: everything after it comes as watch events.
  RunResult r = Cli({"apply", "-f", "-"}, GpuNode("pgf-first", "GPU-first", 0));
  ASSERT_EQ(r.code, 0) << r.err;
  watch_cli_ = server_->Spawn({"get", "gpunodes", "-w", "-o", "json"});
  ASSERT_TRUE(watch_cli_->WaitForOutput("pgf-first")) << watch_cli_->err();
  reflector_ = std::make_unique<Reflector>(server_->port(), server_->token(), kWatchSeconds);
  reflector_->Start();
  ASSERT_TRUE(Eventually([&] { return reflector_->Watching(); }, seconds(30)))
      << reflector_->notes();

  for (int w = 0; w < kWriters; ++w) writers_.emplace_back([this, w] { Writer(w); });
  ASSERT_TRUE(AckedMore({}, 5, seconds(60))) << "the writers do not get through";

  struct Round {
    const char* what;
    std::function<bool()> fault;
  };
  std::vector<Round> rounds = {
      {"pg_ctl restart -m fast", [&] { return pg_.PgCtl("restart -m fast"); }},
      {"pg_ctl restart -m immediate", [&] { return pg_.PgCtl("restart -m immediate"); }},
      {"stop -m fast, 5 s down, start",
       [&] {
         if (!pg_.PgCtl("stop -m fast")) return false;
         std::this_thread::sleep_for(seconds(5));  // the outage itself, not a wait for a result
         return pg_.PgCtl("restart");              // starts it with the options it had
       }},
  };
  std::string timings;
  for (const Round& round : rounds) {
    auto t0 = Steady::now();
    ASSERT_TRUE(round.fault()) << round.what;
    auto back = Steady::now();
    std::array<int, kWriters> at = Acked();
    ASSERT_TRUE(AckedMore(at, 5, seconds(60)))
        << "writes are not acknowledged again after " << round.what << "\n"
        << server_->log();
    Steady::time_point first_ack = FirstAckAfter(back);
    timings += std::string("\n  ") + round.what + ": pg_ctl took " + std::to_string(Ms(back - t0)) +
               " ms; first write acknowledged " + std::to_string(Ms(first_ack - back)) +
               " ms after pg_ctl returned";
  }
  stop_writers_ = true;
  for (auto& t : writers_) t.join();
  writers_.clear();

  // serve is up and ready, and leads again after each lease it lost.
  EXPECT_TRUE(Eventually([&] { return Http(server_->port(), "GET", "/readyz").status == 200; },
                         seconds(30)));
  EXPECT_EQ(server_->log().find("received SIGTERM"), std::string::npos) << server_->log();
  // Two electors campaign, one per lease, and each may lose its own: count
  // each lease's losses against the same lease's returns to leading.
  size_t losses = 0, leads = 0, gc_losses = 0, gc_leads = 0;
  EXPECT_TRUE(Eventually(
      [&] {
        std::string log = server_->log();
        losses = Count(log, "lost the lease /leases/berth-controllers:");
        leads = Count(log, "leading: controllers are running");
        gc_losses = Count(log, "lost the lease /leases/berth-garbage-collector:");
        gc_leads = Count(log, "garbage collector: leading, collecting");
        return leads == losses + 1 && gc_leads == gc_losses + 1;
      },
      seconds(60), milliseconds(200)))
      << "controllers: " << losses << " leases lost, " << leads << " times leading; "
      << "garbage collector: " << gc_losses << " leases lost, " << gc_leads << " times leading\n"
      << server_->log();
  EXPECT_GE(losses, 1u) << "the 5 s outage did not cost the lease: the re-campaign went untested";

  // Every acknowledged write is there with its content; every other client
  // got an error.
  r = Cli({"get", "gpunodes", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json list = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(list.is_object()) << r.out.substr(0, 500);
  std::map<std::string, json> stored;
  for (const json& item : list.value("items", json::array())) stored[Name(item)] = item;
  int acked = 0, failed = 0, failed_but_stored = 0;
  std::set<std::string> messages;
  std::map<std::string, int64_t> acked_rv;
  std::array<int64_t, kWriters> last_of_writer{};
  for (const Write& wr : writes_) {
    auto it = stored.find(wr.name);
    if (wr.code == 0) {
      ++acked;
      ASSERT_NE(it, stored.end()) << "acknowledged write lost: " << wr.name;
      EXPECT_EQ(it->second["spec"]["gpus"][0].value("uuid", ""), wr.uuid) << wr.name;
      int64_t rv = Rv(it->second);
      acked_rv[wr.name] = rv;
      // One writer's acknowledged writes were stored in the order it made them.
      EXPECT_GT(rv, last_of_writer[wr.writer]) << wr.name << " stored before an earlier write";
      last_of_writer[wr.writer] = rv;
      continue;
    }
    ++failed;
    if (it != stored.end()) ++failed_but_stored;
    EXPECT_NE(wr.err.find("rror"), std::string::npos)
        << wr.name << ": exit " << wr.code << " without an error message: " << wr.err;
    std::string first_line = wr.err.substr(0, wr.err.find('\n'));
    messages.insert(first_line.substr(0, 160));
  }

  // The HTTP watch caught up, resumed again and again from the last version
  // it saw (never re-listing), and saw each acknowledged write as one ADDED
  // event at its resourceVersion, in order.
  int64_t max_rv = 0;
  for (const auto& [_, rv] : acked_rv) max_rv = std::max(max_rv, rv);
  EXPECT_TRUE(Eventually([&] { return reflector_->last_rv() >= max_rv; }, seconds(30)))
      << reflector_->notes();
  std::vector<Reflector::Seen> events = reflector_->events();
  EXPECT_EQ(reflector_->relists(), 0)
      << "the HTTP watch was sent 410 Gone and listed again: a resume with a gap\n"
      << reflector_->notes();
  EXPECT_GE(reflector_->resumes(), 3) << "the HTTP watch was never resumed";
  std::map<int64_t, std::vector<const Reflector::Seen*>> by_rv;
  int64_t prev = 0;
  for (const auto& e : events) {
    EXPECT_GT(e.rv, prev) << "HTTP watch out of order or repeated at " << e.name;
    prev = e.rv;
    by_rv[e.rv].push_back(&e);
  }
  for (const auto& [name, rv] : acked_rv) {
    auto seen = by_rv.find(rv);
    if (seen == by_rv.end()) {
      ADD_FAILURE() << "the HTTP watch missed " << name << " at " << rv;
      continue;
    }
    EXPECT_EQ(seen->second.size(), 1u) << name << " at " << rv;
    EXPECT_EQ(seen->second.front()->name, name) << "at " << rv;
    EXPECT_EQ(seen->second.front()->type, "ADDED") << name << " at " << rv;
  }

  // The CLI watch: still running, same guarantees.
  EXPECT_TRUE(Eventually(
      [&] {
        std::vector<json> objs = JsonObjects(watch_cli_->out());
        return !objs.empty() && Rv(objs.back()) >= max_rv;
      },
      seconds(30)))
      << "berth get -w stopped: " << watch_cli_->err();
  std::vector<json> cli = JsonObjects(watch_cli_->out());
  std::set<int64_t> cli_rvs;
  prev = 0;
  for (const json& o : cli) {
    if (Name(o) == "pgf-first" && cli_rvs.empty()) {  // the list
      prev = Rv(o);
      continue;
    }
    EXPECT_GT(Rv(o), prev) << "berth get -w out of order or repeated at " << Name(o);
    prev = Rv(o);
    cli_rvs.insert(Rv(o));
  }
  for (const auto& [name, rv] : acked_rv) {
    EXPECT_TRUE(cli_rvs.count(rv)) << "berth get -w missed " << name << " at " << rv;
  }

  std::cout << "PostgreSQL restarts under " << kWriters << " writers:" << timings << "\n"
            << "serve lost the lease " << losses << " time(s) and led again each time\n"
            << "writes: " << acked << " acknowledged (all present), " << failed
            << " refused with an error (" << failed_but_stored
            << " of them stored all the same: outcome unknown to the client)\n"
            << "HTTP watch: " << events.size() << " events, " << reflector_->resumes()
            << " resumes (" << reflector_->refused() << " of them refused while down), "
            << reflector_->relists() << " re-lists; berth get -w: " << cli.size() << " objects\n";
  for (const std::string& m : messages) std::cout << "  client error: " << m << "\n";
}

}  // namespace
}  // namespace berth::e2e
