// bench_store: the desired-state store's throughput and watch latency, per
// backend, printed as a table and optionally written into docs/performance.md
// (between <!-- store:begin --> and <!-- store:end -->).
//   bench_store [--sqlite PATH] [--postgres URL] [--markdown FILE] [--objects N]
// PATH must not exist (a fresh database is created there and removed after);
// URL names a role that may CREATE DATABASE (a fresh database is created and
// dropped after). bench/store/run.sh runs both against a throwaway cluster.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "bench/store/measure.h"
#include "operator/store/store.h"
#include "test/store/store_test_support.h"

namespace berth::store::bench {
namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

// Milliseconds for one 4 KiB write + fdatasync in `dir`, median of 50: what
// one durable commit costs at least on this disk right now.
double FsyncMs(const std::string& dir) {
  const std::string path = dir + "/.bench_store_fsync";
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return 0;
  std::vector<double> ms;
  const std::string block(4096, 'x');
  for (int i = 0; i < 50; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    std::fwrite(block.data(), 1, block.size(), f);
    std::fflush(f);
    fdatasync(fileno(f));
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::fclose(f);
  std::remove(path.c_str());
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// "10,000": the object count as the table header shows it.
std::string Thousands(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// `objects`: how many objects the list column listed (--objects).
std::string Table(const std::vector<Numbers>& rows, long long objects) {
  std::ostringstream out;
  out << "| backend | creates/s | updates/s | list " << Thousands(objects)
      << " (ms) | watch p50 (ms) | watch p99 (ms) |"
         " other-process watch p50 (ms) | other-process watch p99 (ms) |\n"
         "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  char buf[512];
  for (const Numbers& n : rows) {
    std::snprintf(buf, sizeof buf, "| %s | %.0f | %.0f | %.1f | %.2f | %.2f | %.2f | %.2f |\n",
                  n.backend.c_str(), n.creates_per_s, n.updates_per_s, n.list_ms, n.watch_p50_ms,
                  n.watch_p99_ms, n.process_p50_ms, n.process_p99_ms);
    out << buf;
  }
  return out.str();
}

std::string Section(const std::vector<Numbers>& rows, const std::string& command, const Plan& plan,
                    const std::string& machine, double fsync_before, double fsync_after) {
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  struct utsname un {};
  uname(&un);
  std::ostringstream out;
  out << "<!-- store:begin -->\n"
      << "## Desired-state store\n\n"
      << "Measured " << date << " on "
      << (machine.empty() ? std::to_string(std::thread::hardware_concurrency()) + " CPUs (" +
                                CpuModel() + "), Linux " + un.release
                          : machine)
      << ", by `bench/store/run.sh`. One 4 KiB"
      << " append + fdatasync on that disk took " << Fixed(fsync_before)
      << " ms before the run and " << Fixed(fsync_after)
      << " ms after it (median of 50; the machine is shared, so this"
      << " varies): every write below waits for at least one.\n\n"
      << Table(rows, plan.objects) << "\n"
      << "- creates/s: " << plan.objects << " Create calls, one after another from one thread"
      << " (each is one durable transaction: SQLite WAL + synchronous=FULL, PostgreSQL"
      << " synchronous_commit=on, fsync on).\n"
      << "- updates/s: " << plan.updates << " compare-and-swap Update calls on one key.\n"
      << "- list: one List of all " << plan.objects << " objects (one snapshot), median of 5.\n"
      << "- watch: from the writer's Create call to the watcher's Next returning the event; "
      << plan.latency_samples << " writes paced " << plan.pace_us / 1000.0
      << " ms apart. \"watch\": writer in another thread of the watching process (woken at "
      << "commit); \"other-process\": writer in a second process (SQLite: found by polling "
      << "every 25 ms; PostgreSQL: LISTEN/NOTIFY, polling as fallback).\n\n"
      << "Reproduce: `bench/store/run.sh`, which runs\n`" << command << "`\n"
      << "<!-- store:end -->\n";
  return out.str();
}

Status WriteMarkdown(const std::string& path, const std::string& section) {
  std::string text;
  {
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  const size_t begin = text.find("<!-- store:begin -->");
  const size_t end = text.find("<!-- store:end -->");
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    size_t after = end + std::string_view("<!-- store:end -->").size();
    if (after < text.size() && text[after] == '\n') ++after;
    text.replace(begin, after - begin, section);
  } else {
    if (text.empty()) text = "# Performance\n";
    if (text.back() != '\n') text += "\n";
    text += "\n" + section;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) return Status::Unavailable("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("cannot replace " + path + ": " + ec.message());
  return Status::Ok();
}

int Usage() {
  std::fprintf(stderr,
               "usage: bench_store [--sqlite PATH] [--postgres URL] [--markdown FILE] "
               "[--objects N] [--machine TEXT]\n");
  return 2;
}

}  // namespace
}  // namespace berth::store::bench

int main(int argc, char** argv) {
  using namespace berth::store::bench;  // NOLINT(google-build-using-namespace)
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "--writer") {
    return RunWriter(args[1], args[2], std::stoi(args[3]), std::stoi(args[4]));
  }
  std::string sqlite_path, pg_url, markdown, machine;
  Plan plan;
  plan.self = std::filesystem::canonical("/proc/self/exe").string();
  std::string command = "bench_store";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return Usage();
    const std::string& flag = args[i];
    const std::string& value = args[++i];
    if (flag == "--sqlite") {
      sqlite_path = value;
    } else if (flag == "--postgres") {
      pg_url = value;
    } else if (flag == "--markdown") {
      markdown = value;
    } else if (flag == "--objects") {
      plan.objects = std::stoi(value);
    } else if (flag == "--machine") {  // how the report names the machine
      machine = value;
      continue;
    } else {
      return Usage();
    }
    command += " " + flag + " " + (flag == "--postgres" ? berth::store::RedactUrl(value) : value);
  }
  if (sqlite_path.empty() && pg_url.empty()) return Usage();

  const std::string dir =
      std::filesystem::path(sqlite_path.empty() ? markdown : sqlite_path).parent_path().string();
  const double fsync_before = FsyncMs(dir.empty() ? "." : dir);
  std::vector<Numbers> rows;
  if (!sqlite_path.empty()) {
    if (std::filesystem::exists(sqlite_path)) {
      std::fprintf(stderr, "bench_store: %s exists; give a path for a new database\n",
                   sqlite_path.c_str());
      return 2;
    }
    berth::Result<Numbers> n = Measure("sqlite://" + sqlite_path, plan);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(sqlite_path + suffix, ec);
    }
    if (!n.ok()) {
      std::fprintf(stderr, "bench_store: sqlite: %s\n", n.status().ToString().c_str());
      return 1;
    }
    rows.push_back(*n);
  }
  if (!pg_url.empty()) {
    auto db = berth::store::testing::TestDatabase::Create("postgresql", pg_url);
    if (!db.ok()) {
      std::fprintf(stderr, "bench_store: postgresql: %s\n", db.status().ToString().c_str());
      return 1;
    }
    berth::Result<Numbers> n = Measure((*db)->url(), plan);
    if (!n.ok()) {
      std::fprintf(stderr, "bench_store: postgresql: %s\n", n.status().ToString().c_str());
      return 1;
    }
    rows.push_back(*n);
  }
  std::fputs(Table(rows, plan.objects).c_str(), stdout);
  if (!markdown.empty()) {
    const double fsync_after = FsyncMs(dir.empty() ? "." : dir);
    berth::Status st =
        WriteMarkdown(markdown, Section(rows, command, plan, machine, fsync_before, fsync_after));
    if (!st.ok()) {
      std::fprintf(stderr, "bench_store: %s\n", st.ToString().c_str());
      return 1;
    }
    std::printf("wrote the store section of %s\n", markdown.c_str());
  }
  return 0;
}
