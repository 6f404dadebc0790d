// store_race_helper: a second process for the store's process tests. It opens
// the store a URL names and does one job, printing one line per acknowledged
// write (flushed at once, so a parent that kill -9s it knows exactly which
// writes were acknowledged):
//   increment URL KEY N          N successful compare-and-swap increments of
//                                the decimal value at KEY: "won <base-rev>"
//   write URL PREFIX N THREADS   N creates per thread:
//                                "ack <rev> <key> <steady-ns before> <after>"
//   hammer URL PREFIX N          N mixed reads and writes, racing on shared
//                                keys: "done" (exit 1 on any error other
//                                than the expected Conflict/AlreadyExists/NotFound)
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "operator/store/store.h"

namespace {

using berth::Code;
using berth::Result;
using berth::store::Record;
using berth::store::Store;

std::mutex out_mu;

void Print(const std::string& line) {
  std::lock_guard lock(out_mu);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

int Fail(const berth::Status& st) {
  std::fprintf(stderr, "store_race_helper: %s\n", st.ToString().c_str());
  return 1;
}

int Increment(Store& store, const std::string& key, int n) {
  for (int done = 0; done < n;) {
    Result<Record> cur = store.Get(key);
    if (!cur.ok()) return Fail(cur.status());
    Result<Record> w =
        store.Update(key, std::to_string(std::stoll(cur->value) + 1), cur->mod_revision);
    if (w.ok()) {
      ++done;
      Print("won " + std::to_string(cur->mod_revision));
    } else if (w.status().code() != Code::kConflict) {
      return Fail(w.status());
    }
  }
  return 0;
}

int Write(Store& store, const std::string& prefix, int n, int threads) {
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  std::vector<int> rc(static_cast<size_t>(threads), 0);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < n; ++i) {
        const std::string key = prefix + std::to_string(t) + "/" + std::to_string(i);
        const auto start = std::chrono::steady_clock::now().time_since_epoch();
        Result<Record> r = store.Create(key, "value of " + key);
        if (!r.ok()) {
          rc[static_cast<size_t>(t)] = Fail(r.status());
          return;
        }
        const auto end = std::chrono::steady_clock::now().time_since_epoch();
        Print("ack " + std::to_string(r->mod_revision) + " " + key + " " +
              std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(start).count()) +
              " " +
              std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(end).count()));
      }
    });
  }
  for (auto& w : workers) w.join();
  for (int r : rc) {
    if (r != 0) return r;
  }
  return 0;
}

int Hammer(Store& store, const std::string& prefix, int n) {
  auto expected = [](const berth::Status& st) {
    return st.ok() || st.code() == Code::kConflict || st.code() == Code::kAlreadyExists ||
           st.code() == Code::kNotFound;
  };
  for (int i = 0; i < n; ++i) {
    const std::string shared = "/hammer/shared/" + std::to_string(i % 5);
    berth::Status st;
    switch (i % 5) {
      case 0: st = store.Create(prefix + std::to_string(i), "x").status(); break;
      case 1: st = store.Create(shared, "x").status(); break;
      case 2: {
        Result<Record> cur = store.Get(shared);
        st = cur.ok() ? store.Update(shared, "y", cur->mod_revision).status() : cur.status();
        break;
      }
      case 3: st = store.Delete(shared, 0).status(); break;
      default: st = store.List("/hammer/", "", 50).status(); break;
    }
    if (!expected(st)) return Fail(st);
  }
  Print("done");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: store_race_helper increment|write|hammer URL ARG N [THREADS]\n");
    return 2;
  }
  const std::string mode = argv[1];
  Result<std::unique_ptr<Store>> store = berth::store::Open(argv[2]);
  if (!store.ok()) return Fail(store.status());
  const int n = std::atoi(argv[4]);
  if (mode == "increment") return Increment(**store, argv[3], n);
  if (mode == "write") return Write(**store, argv[3], n, argc > 5 ? std::atoi(argv[5]) : 1);
  if (mode == "hammer") return Hammer(**store, argv[3], n);
  std::fprintf(stderr, "store_race_helper: unknown mode %s\n", mode.c_str());
  return 2;
}
