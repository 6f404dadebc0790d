// RouterFiles: changes a router's conf.d directory safely.
//
// Every change is written atomically (temporary file, rename), then checked
// with `nginx -t` inside the router container; on success nginx reloads, on
// failure the previous file is put back (or the new one removed) so nginx
// keeps serving its last good configuration and a later restart of the
// router still starts. Updates of one router are serialized: one
// write/test/reload at a time. Changes that arrive while one is running are
// applied together (one `nginx -t`, one reload); when such a batch fails, its
// changes are retried one by one, so a bad change fails alone.
// Every apply also (re)writes the shared 00-berth-common.conf.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controllers/router/nginx.h"
#include "operator/common/filesystem.h"
#include "operator/common/result.h"

namespace berth::router {

// One router: where its files live and which container runs its nginx.
struct RouterTarget {
  std::string key;        // identity for serialization, e.g. "Stack/beaver/beaver"
  std::string conf_dir;   // host directory mounted at the router's conf.d
  std::string container;  // the running router container (id or name)
  int listen_port = 80;   // for the default server of the common file
};

// Writes `content` to conf_dir/name, or removes the file when nullopt.
struct FileChange {
  std::string name;
  std::optional<std::string> content;
};

class RouterFiles {
 public:
  // `fs` and `nginx` must outlive this object.
  RouterFiles(FileSystem& fs, Nginx& nginx) : fs_(fs), nginx_(nginx) {}

  // Applies one change. OK once nginx serves it (at once when the file is
  // already as asked); Invalid with nginx's message when `nginx -t` refused
  // it (the directory is as before); Unavailable when the router container
  // is not running; other errors for the filesystem.
  Status Apply(const RouterTarget& router, FileChange change);

  // Resync: under the router's lock, lists conf_dir, then calls `keep` for
  // the set of route files that must stay; removes every other file for
  // which `is_ours(name)` holds and that berth wrote (IsBerthFile), then
  // tests and reloads. Returns the names removed. Never touches other files.
  Result<std::vector<std::string>> Sweep(
      const RouterTarget& router, const std::function<bool(const std::string&)>& is_ours,
      const std::function<Result<std::set<std::string>>()>& keep);

  // Ensures the common file, then `nginx -t` and reload: after berth starts,
  // so a file written just before a crash is served.
  Status Reload(const RouterTarget& router);

  // Changes applied with a reload so far; `nginx -t` runs so far (tests).
  int reloads() const;
  int tests() const;

 private:
  struct Pending {
    FileChange change;
    bool done = false;
    Status result;
  };
  struct State {
    std::mutex mu;  // guards the fields below
    std::condition_variable cv;
    bool busy = false;            // a leader is applying a batch
    std::vector<Pending*> queue;  // waiting for the next batch
    // nginx may not serve what is on disk (berth just started, or a reload
    // failed): the next apply reloads even when no file changes.
    bool needs_reload = true;
  };

  State& StateFor(const std::string& key);
  // Runs with the router's `busy` flag held by the caller.
  void ApplyBatch(const RouterTarget& router, const std::vector<Pending*>& batch);
  Status TestAndReload(const RouterTarget& router);
  Status EnsureCommon(const RouterTarget& router, bool* changed);
  // Writes one change, remembering what was there; `changed` false when the
  // file already was as asked.
  Status Write(const RouterTarget& router, const FileChange& c,
               std::optional<std::string>* previous, bool* changed);
  void Restore(const RouterTarget& router, const std::string& name,
               const std::optional<std::string>& previous);
  // Takes the router's lock as a batch leader; `fn` runs without other writers.
  template <typename Fn>
  auto Exclusive(const std::string& key, Fn&& fn);

  FileSystem& fs_;
  Nginx& nginx_;
  mutable std::mutex states_mu_;
  std::map<std::string, std::unique_ptr<State>> states_;
  int reloads_ = 0;  // guarded by states_mu_
  int tests_ = 0;    // guarded by states_mu_
};

}  // namespace berth::router
