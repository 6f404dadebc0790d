#include "controllers/router/router_files.h"

#include "controllers/router/nginx_conf.h"
#include "operator/common/log.h"

namespace berth::router {
namespace {

// One file of a batch, with what was there before it.
struct Item {
  FileChange change;
  std::optional<std::string> previous;
  bool changed = false;
  Status* result = nullptr;  // null for the common file
};

}  // namespace

RouterFiles::State& RouterFiles::StateFor(const std::string& key) {
  std::lock_guard lock(states_mu_);
  auto& s = states_[key];
  if (!s) s = std::make_unique<State>();
  return *s;
}

int RouterFiles::reloads() const {
  std::lock_guard lock(states_mu_);
  return reloads_;
}

int RouterFiles::tests() const {
  std::lock_guard lock(states_mu_);
  return tests_;
}

template <typename Fn>
auto RouterFiles::Exclusive(const std::string& key, Fn&& fn) {
  State& s = StateFor(key);
  {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, [&] { return !s.busy; });
    s.busy = true;
  }
  struct Release {
    State& s;
    ~Release() {
      std::lock_guard lock(s.mu);
      s.busy = false;
      s.cv.notify_all();
    }
  } release{s};
  return fn(s);
}

Status RouterFiles::Apply(const RouterTarget& router, FileChange change) {
  State& s = StateFor(router.key);
  Pending p{std::move(change), false, Status::Ok()};
  std::unique_lock lock(s.mu);
  s.queue.push_back(&p);
  while (!p.done) {
    if (s.busy) {
      s.cv.wait(lock);
      continue;
    }
    // Lead the next batch: everything queued so far, ours included.
    s.busy = true;
    std::vector<Pending*> batch;
    batch.swap(s.queue);
    lock.unlock();
    ApplyBatch(router, batch);
    lock.lock();
    for (Pending* b : batch) b->done = true;
    s.busy = false;
    s.cv.notify_all();
  }
  return p.result;
}

Status RouterFiles::Write(const RouterTarget& router, const FileChange& c,
                          std::optional<std::string>* previous, bool* changed) {
  std::string path = router.conf_dir + "/" + c.name;
  *changed = false;
  auto cur = fs_.ReadFile(path);
  if (cur.ok()) {
    *previous = std::move(*cur);
  } else if (cur.status().code() == Code::kNotFound) {
    previous->reset();
  } else {
    return cur.status().Prefixed("reading " + path);
  }
  if (c.content) {
    if (*previous == c.content) return Status::Ok();
    BERTH_RETURN_IF_ERROR(fs_.MakeDirs(router.conf_dir, 0755));
    BERTH_RETURN_IF_ERROR(fs_.WriteFileAtomic(path, *c.content, 0644));
  } else {
    if (!previous->has_value()) return Status::Ok();
    BERTH_RETURN_IF_ERROR(fs_.Remove(path));
  }
  *changed = true;
  return Status::Ok();
}

void RouterFiles::Restore(const RouterTarget& router, const std::string& name,
                          const std::optional<std::string>& previous) {
  std::string path = router.conf_dir + "/" + name;
  Status st = previous ? fs_.WriteFileAtomic(path, *previous, 0644) : fs_.Remove(path);
  if (!st.ok()) spdlog::error("router {}: restoring {}: {}", router.key, path, st.ToString());
}

Status RouterFiles::TestAndReload(const RouterTarget& router) {
  {
    std::lock_guard lock(states_mu_);
    ++tests_;
  }
  BERTH_RETURN_IF_ERROR(nginx_.Test(router.container));
  Status st = nginx_.Reload(router.container);
  if (st.ok()) {
    std::lock_guard lock(states_mu_);
    ++reloads_;
  }
  return st;
}

void RouterFiles::ApplyBatch(const RouterTarget& router, const std::vector<Pending*>& batch) {
  State& s = StateFor(router.key);
  std::vector<Item> items;
  items.push_back(
      {FileChange{kCommonFile, RenderCommonConf(router.listen_port)}, {}, false, nullptr});
  for (Pending* p : batch) items.push_back({p->change, {}, false, &p->result});

  bool any = false;
  for (Item& it : items) {
    Status st = Write(router, it.change, &it.previous, &it.changed);
    if (!st.ok()) {
      if (it.result == nullptr) {
        // Without the common file no route can work: fail the whole batch.
        for (Item& other : items) {
          if (other.changed) Restore(router, other.change.name, other.previous);
          if (other.result) *other.result = st;
        }
        return;
      }
      *it.result = st;
      continue;
    }
    any = any || it.changed;
  }
  bool needs_reload;
  {
    std::lock_guard lock(s.mu);
    needs_reload = s.needs_reload;
  }
  if (!any && !needs_reload) return;  // every file already as asked, and served

  {
    std::lock_guard lock(states_mu_);
    ++tests_;
  }
  Status st = nginx_.Test(router.container);
  if (st.ok()) {
    st = nginx_.Reload(router.container);
    if (st.ok()) {
      std::lock_guard lock(states_mu_);
      ++reloads_;
    }
    for (Item& it : items) {
      if (it.result && it.result->ok()) *it.result = st;
    }
    std::lock_guard lock(s.mu);
    s.needs_reload = !st.ok();
    return;
  }
  if (st.code() != Code::kInvalid) {
    // nginx could not be asked (router stopped, engine down): leave nothing
    // on disk that was not checked.
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      if (it->changed) Restore(router, it->change.name, it->previous);
    }
    for (Item& it : items) {
      if (it.result && it.result->ok()) *it.result = st;
    }
    return;
  }

  // nginx refused the batch: put everything back, then try each change on its
  // own (the common file first) so that only the bad ones fail.
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    if (it->changed) Restore(router, it->change.name, it->previous);
  }
  bool kept = false;
  for (Item& it : items) {
    if (!it.changed) continue;
    bool again = false;
    Status w = Write(router, it.change, &it.previous, &again);
    if (!w.ok()) {
      if (it.result) *it.result = w;
      continue;
    }
    if (!again) continue;
    {
      std::lock_guard lock(states_mu_);
      ++tests_;
    }
    Status t = nginx_.Test(router.container);
    if (t.ok()) {
      kept = true;
      continue;
    }
    Restore(router, it.change.name, it.previous);
    spdlog::warn("router {}: nginx refused {}: {}", router.key, it.change.name, t.message());
    if (it.result) *it.result = t;
  }
  Status reload = Status::Ok();
  if (kept || needs_reload) {
    reload = nginx_.Reload(router.container);
    if (reload.ok()) {
      std::lock_guard lock(states_mu_);
      ++reloads_;
    }
  }
  for (Item& it : items) {
    if (it.result && it.result->ok()) *it.result = reload;
  }
  std::lock_guard lock(s.mu);
  s.needs_reload = !reload.ok();
}

Status RouterFiles::Reload(const RouterTarget& router) {
  return Exclusive(router.key, [&](State& s) -> Status {
    std::optional<std::string> previous;
    bool changed = false;
    FileChange common{kCommonFile, RenderCommonConf(router.listen_port)};
    BERTH_RETURN_IF_ERROR(Write(router, common, &previous, &changed));
    Status st = TestAndReload(router);
    if (!st.ok() && st.code() == Code::kInvalid && changed) {
      Restore(router, kCommonFile, previous);
    }
    std::lock_guard lock(s.mu);
    s.needs_reload = !st.ok();
    return st;
  });
}

Result<std::vector<std::string>> RouterFiles::Sweep(
    const RouterTarget& router, const std::function<bool(const std::string&)>& is_ours,
    const std::function<Result<std::set<std::string>>()>& keep) {
  return Exclusive(router.key, [&](State& s) -> Result<std::vector<std::string>> {
    std::vector<std::string> removed;
    auto names = fs_.ListDir(router.conf_dir);
    if (!names.ok()) {
      if (names.status().code() == Code::kNotFound) return removed;
      return names.status();
    }
    std::vector<std::string> candidates;
    for (const std::string& n : *names) {
      if (is_ours(n)) candidates.push_back(n);
    }
    if (candidates.empty()) return removed;
    // Listed before reading what must stay: a file written after the listing
    // cannot be taken for an orphan, since writers wait for this lock.
    BERTH_ASSIGN_OR_RETURN(std::set<std::string> wanted, keep());
    std::map<std::string, std::string> previous;
    for (const std::string& n : candidates) {
      if (wanted.count(n)) continue;
      std::string path = router.conf_dir + "/" + n;
      auto content = fs_.ReadFile(path);
      if (!content.ok() || !IsBerthFile(*content)) continue;
      BERTH_RETURN_IF_ERROR(fs_.Remove(path));
      previous[n] = std::move(*content);
      removed.push_back(n);
    }
    if (removed.empty()) return removed;
    Status st = TestAndReload(router);
    if (!st.ok()) {
      if (st.code() == Code::kInvalid) {
        for (const auto& [n, content] : previous) Restore(router, n, content);
      }
      std::lock_guard lock(s.mu);
      s.needs_reload = true;
      return st;
    }
    return removed;
  });
}

}  // namespace berth::router
