// bench_api: the API server over real HTTP on 127.0.0.1, per store backend:
// sequential creates/s, get latency, list-1,000 latency (JSON and Table), and
// watch fan-out (one write seen by N watchers). Prints a Markdown table and,
// with --markdown FILE, replaces the <!-- api:begin -->...<!-- api:end -->
// block of FILE; --verbose prints every watch event of the fan-out on stderr.
// Run by bench/api/run.sh.
#include <curl/curl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/apiserver/auth.h"
#include "operator/apiserver/listener.h"
#include "operator/apiserver/server.h"
#include "operator/registry/registry.h"
#include "operator/store/store.h"
#include "test/apiserver/http_client.h"

namespace berth::bench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Json;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// One keep-alive HTTP connection, as kubectl and berth's CLI keep one.
class Conn {
 public:
  Conn(std::string base, const std::string& token)
      : base_(std::move(base)), auth_("Authorization: Bearer " + token) {
    c_ = curl_easy_init();
  }
  ~Conn() { curl_easy_cleanup(c_); }
  // A PATCH body is a JSON merge patch (the API answers 415 to a PATCH
  // labelled application/json, as Kubernetes does); anything else is JSON.
  long Do(const char* method, const std::string& path, const std::string& body = "",
          const char* accept = nullptr) {
    out_.clear();
    bool patch = std::string_view(method) == "PATCH";
    curl_slist* h = curl_slist_append(nullptr, auth_.c_str());
    h = curl_slist_append(
        h, patch ? "Content-Type: application/merge-patch+json" : "Content-Type: application/json");
    if (accept != nullptr) h = curl_slist_append(h, accept);
    std::string url = base_ + path;
    curl_easy_setopt(c_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c_, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c_, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c_, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(c_, CURLOPT_WRITEDATA, &out_);
    curl_easy_setopt(c_, CURLOPT_NOSIGNAL, 1L);
    if (!body.empty()) {
      curl_easy_setopt(c_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    } else {
      curl_easy_setopt(c_, CURLOPT_POSTFIELDS, nullptr);
      curl_easy_setopt(c_, CURLOPT_POSTFIELDSIZE, 0L);
      curl_easy_setopt(c_, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(c_, CURLOPT_CUSTOMREQUEST, method);
    }
    long code = 0;
    if (curl_easy_perform(c_) == CURLE_OK) curl_easy_getinfo(c_, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(c_, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(h);
    return code;
  }
  const std::string& body() const { return out_; }

 private:
  static size_t Append(char* p, size_t s, size_t n, void* out) {
    static_cast<std::string*>(out)->append(p, s * n);
    return s * n;
  }
  std::string base_;
  CURL* c_;
  std::string auth_;
  std::string out_;
};

Json Stack(const std::string& name) {
  return Json{{"apiVersion", "berth.dev/v1alpha1"},
              {"kind", "Stack"},
              {"metadata", {{"name", name}, {"labels", {{"bench", "api"}}}}},
              {"spec",
               {{"services",
                 {{"web", {{"image", "busybox:1"}, {"command", {"httpd", "-f", "-p", "8080"}}}},
                  {"db", {{"image", "postgres:15"}, {"env", {{"PGDATA", "/var/lib/pg"}}}}}}}}}};
}

struct Row {
  std::string backend;
  double creates_per_s = 0, get_p50 = 0, get_p99 = 0, list_p50 = 0, list_p99 = 0;
  double table_p50 = 0, fanout_p50 = 0, fanout_p99 = 0, fanout_max = 0;
};

constexpr const char* kStacks = "/apis/berth.dev/v1alpha1/namespaces/default/stacks";

Row Run(const std::string& backend, const std::string& url, int objects, int watchers, int writes,
        bool verbose) {
  Row row;
  row.backend = backend;
  auto st = store::Open(url);
  if (!st.ok()) {
    std::cerr << backend << ": " << st.status().ToString() << "\n";
    std::exit(1);
  }
  registry::Registry reg(**st, api::Catalog::Builtin());
  apiserver::TokenStore tokens(**st);
  std::string token = *tokens.Create("bench", apiserver::Role::kAdmin);
  apiserver::ServerOptions so;
  so.listen = "127.0.0.1:0";
  so.access_log = false;
  apiserver::Server server(reg, tokens, so);
  if (Status s = server.Start(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    std::exit(1);
  }
  Conn conn(server.url(), token);

  // Sequential creates.
  auto t0 = Clock::now();
  for (int i = 0; i < objects; ++i) {
    if (conn.Do("POST", kStacks, Stack("s" + std::to_string(i)).dump()) != 201) {
      std::cerr << "create failed: " << conn.body() << "\n";
      std::exit(1);
    }
  }
  row.creates_per_s = objects / std::chrono::duration<double>(Clock::now() - t0).count();

  std::vector<double> gets;
  for (int i = 0; i < 1000; ++i) {
    auto a = Clock::now();
    conn.Do("GET", std::string(kStacks) + "/s" + std::to_string(i % objects));
    gets.push_back(Ms(Clock::now() - a));
  }
  row.get_p50 = Percentile(gets, 50);
  row.get_p99 = Percentile(gets, 99);

  std::vector<double> lists, tables;
  for (int i = 0; i < 20; ++i) {
    auto a = Clock::now();
    conn.Do("GET", kStacks);
    lists.push_back(Ms(Clock::now() - a));
    a = Clock::now();
    conn.Do("GET", kStacks, "", "Accept: application/json;as=Table;v=v1;g=meta.k8s.io");
    tables.push_back(Ms(Clock::now() - a));
  }
  row.list_p50 = Percentile(lists, 50);
  row.list_p99 = Percentile(lists, 99);
  row.table_p50 = Percentile(tables, 50);

  // Watch fan-out: every watcher from the current revision; each write's
  // delay is measured from just before the PATCH (on a connection already
  // open) to each watcher's receipt.
  conn.Do("GET", std::string(kStacks) + "?limit=1");
  std::string rv = Json::parse(conn.body())["metadata"]["resourceVersion"];
  testing::HttpOptions ho;
  ho.token = token;
  std::vector<std::unique_ptr<testing::WatchStream>> ws;
  for (int i = 0; i < watchers; ++i) {
    ws.push_back(std::make_unique<testing::WatchStream>(
        server.url() + kStacks +
            "?watch=true&fieldSelector=metadata.name%3Ds0&resourceVersion=" + rv,
        ho));
  }
  while (server.metrics().OpenWatches() < watchers) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The writer's own keep-alive connection, opened (by a first request)
  // before any clock starts: each delay is the write and its fan-out, not a
  // TCP handshake.
  Conn writer(server.url(), token);
  if (writer.Do("GET", std::string(kStacks) + "/s0") != 200) {
    std::cerr << "writer: GET s0 failed: " << writer.body() << "\n";
    std::exit(1);
  }
  std::vector<double> delays;
  for (int w = 0; w < writes; ++w) {
    std::string patch = R"({"metadata":{"labels":{"round":")" + std::to_string(w) + "\"}}}";
    std::vector<double> got(static_cast<size_t>(watchers), -1);
    // The readers wait in Next() before the clock starts (nothing arrives
    // before the PATCH), so their thread start is not timed either.
    std::atomic<int> waiting{0};
    std::atomic<Clock::time_point> a{Clock::now()};
    std::vector<std::thread> readers;
    for (int i = 0; i < watchers; ++i) {
      readers.emplace_back([&, i] {
        testing::WatchStream& stream = *ws[static_cast<size_t>(i)];
        ++waiting;
        auto ev = stream.Next(std::chrono::seconds(30));
        if (ev) got[static_cast<size_t>(i)] = Ms(Clock::now() - a.load());
        if (verbose && ev) {
          std::cerr << "watcher " << i << ": " << ev->dump().substr(0, 200) << "\n";
        } else if (!ev) {
          std::cerr << "watcher " << i << " got no event (stream ended: " << stream.Ended()
                    << ", HTTP " << stream.code() << ")\n";
        }
      });
    }
    while (waiting.load() < watchers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // into Next()
    a = Clock::now();
    if (writer.Do("PATCH", std::string(kStacks) + "/s0", patch) != 200) {
      std::cerr << "PATCH failed: " << writer.body() << "\n";
      std::exit(1);
    }
    for (auto& r : readers) r.join();
    for (double d : got) {
      if (d < 0) {
        std::cerr << "a watcher missed a write\n";
        std::exit(1);
      }
      delays.push_back(d);
    }
  }
  row.fanout_p50 = Percentile(delays, 50);
  row.fanout_p99 = Percentile(delays, 99);
  row.fanout_max = Percentile(delays, 100);
  for (auto& w : ws) w->Close();
  server.Stop();
  return row;
}

std::string Markdown(const std::vector<Row>& rows, const std::string& command,
                     const std::string& machine, int objects, int watchers, int writes) {
  std::ostringstream o;
  char when[64];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  utsname u{};
  uname(&u);
  o << "## API server\n\n";
  o << "Measured " << when << " on "
    << (machine.empty()
            ? std::to_string(std::thread::hardware_concurrency()) + " CPUs, Linux " + u.release
            : machine)
    << ", by `bench/api/run.sh`: the API server in-process, a libcurl client on "
       "127.0.0.1 with one keep-alive connection, no TLS. The machine is shared "
       "with other builds, so absolute numbers vary.\n\n";
  o << "| backend | creates/s | get p50 (ms) | get p99 (ms) | list " << objects
    << " p50 (ms) | list " << objects << " p99 (ms) | list " << objects
    << " as Table p50 (ms) | watch fan-out p50 (ms) | fan-out p99 (ms) | fan-out max (ms) |\n";
  o << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  char buf[512];
  for (const Row& r : rows) {
    std::snprintf(buf, sizeof buf,
                  "| %s | %.0f | %.2f | %.2f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f |\n",
                  r.backend.c_str(), r.creates_per_s, r.get_p50, r.get_p99, r.list_p50, r.list_p99,
                  r.table_p50, r.fanout_p50, r.fanout_p99, r.fanout_max);
    o << buf;
  }
  o << "\n- creates/s: " << objects
    << " `POST`s of a two-service Stack, one after another (each is one durable store "
       "transaction; see the store numbers above).\n";
  o << "- get: 1,000 `GET`s of single Stacks. list: `GET` of all " << objects
    << " Stacks (JSON `StackList`, and the Table kubectl asks for), 20 times.\n";
  o << "- watch fan-out: " << watchers << " watchers on one Stack; " << writes
    << " merge patches, each timed from just before the `PATCH` (sent on a keep-alive "
       "connection opened before the clock starts) to each watcher's receipt of the MODIFIED "
       "line ("
    << watchers * writes << " samples).\n\n";
  o << "Reproduce: `bench/api/run.sh`, which runs\n`" << command << "`\n";
  return o.str();
}

void ReplaceBlock(const std::string& path, const std::string& block) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  const std::string begin = "<!-- api:begin -->", end = "<!-- api:end -->";
  std::string full = begin + "\n" + block + end;
  size_t b = doc.find(begin), e = doc.find(end);
  if (b != std::string::npos && e != std::string::npos && e > b) {
    doc.replace(b, e + end.size() - b, full);
  } else {
    if (!doc.empty() && doc.back() != '\n') doc += "\n";
    doc += "\n" + full + "\n";
  }
  std::ofstream(path) << doc;
}

}  // namespace
}  // namespace berth::bench

int main(int argc, char** argv) {
  using namespace berth::bench;
  std::string sqlite, postgres, markdown, machine;
  int objects = 1000, watchers = 100, writes = 10;
  bool verbose = false;
  std::string command = "bench_api";
  const char* usage =
      "usage: bench_api [--sqlite FILE] [--postgres URL] [--markdown FILE] [--objects N] "
      "[--watchers N] [--writes N] [--machine TEXT] [--verbose]\n";
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    if (f == "--verbose") {  // every watch event of the fan-out on stderr
      verbose = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << usage;
      return 2;
    }
    std::string v = argv[++i];
    if (f == "--sqlite")
      sqlite = v;
    else if (f == "--postgres")
      postgres = v;
    else if (f == "--markdown")
      markdown = v;
    else if (f == "--objects")
      objects = std::stoi(v);
    else if (f == "--watchers")
      watchers = std::stoi(v);
    else if (f == "--writes")
      writes = std::stoi(v);
    else if (f == "--machine") {  // how the report names the machine
      machine = v;
      continue;
    } else {
      std::cerr << usage;
      return 2;
    }
    command += " " + f + " " + (f == "--postgres" ? berth::store::RedactUrl(v) : v);
  }
  berth::apiserver::InitializeThreadPool(16);
  curl_global_init(CURL_GLOBAL_ALL);
  std::vector<Row> rows;
  if (!sqlite.empty()) {
    std::filesystem::remove(sqlite);
    rows.push_back(Run("sqlite", "sqlite://" + sqlite, objects, watchers, writes, verbose));
  }
  if (!postgres.empty())
    rows.push_back(Run("postgresql", postgres, objects, watchers, writes, verbose));
  std::string md = Markdown(rows, command, machine, objects, watchers, writes);
  std::cout << md;
  if (!markdown.empty()) ReplaceBlock(markdown, md);
  return 0;
}
