#include "operator/runtime/informer.h"

#include <utility>

#include "operator/common/log.h"

namespace berth::runtime {

Informer::Informer(std::unique_ptr<ListerWatcher> lw, InformerOptions opts)
    : opts_(std::move(opts)),
      clock_(opts_.clock ? *opts_.clock : RealClock()),
      lw_(std::move(lw)),
      sleeper_(clock_, opts_.check_interval) {}

Informer::~Informer() {
  Stop();
}

void Informer::AddHandler(EventHandler handler) {
  std::lock_guard lock(mu_);
  if (started_) {
    spdlog::critical("informer {}: AddHandler after Start", opts_.kind);
    std::abort();  // handlers_ is read without a lock once started
  }
  handlers_.push_back(std::move(handler));
}

Status Informer::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return Status::Internal("informer " + opts_.kind + " already started");
  started_ = true;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Informer::Stop() {
  sleeper_.Cancel();  // first: the thread reads it to tell Stop from a failure
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (watch_) watch_->Stop();
    synced_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool Informer::HasSynced() const {
  std::lock_guard lock(mu_);
  return synced_;
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  synced_cv_.wait_for(lock, timeout, [&] { return synced_ || stopping_; });
  return synced_ && !stopping_;
}

std::optional<api::Object> Informer::Get(const api::ObjectRef& ref) const {
  std::shared_lock lock(cache_mu_);
  auto it = cache_.find(ref.ToString());
  if (it == cache_.end()) return std::nullopt;
  return *it->second;
}

std::vector<api::Object> Informer::List(std::string_view ns) const {
  return List([ns](const api::Object& o) { return ns.empty() || o.ns() == ns; });
}

std::vector<api::Object> Informer::List(const std::function<bool(const api::Object&)>& pred) const {
  std::vector<Ptr> snapshot;
  {
    std::shared_lock lock(cache_mu_);
    snapshot.reserve(cache_.size());
    for (const auto& [key, obj] : cache_) snapshot.push_back(obj);
  }
  std::vector<api::Object> out;
  for (const auto& obj : snapshot) {
    if (pred(*obj)) out.push_back(*obj);
  }
  return out;
}

size_t Informer::Size() const {
  std::shared_lock lock(cache_mu_);
  return cache_.size();
}

void Informer::Resync() {
  std::vector<Ptr> snapshot;
  {
    std::shared_lock lock(cache_mu_);
    for (const auto& [key, obj] : cache_) snapshot.push_back(obj);
  }
  for (const auto& obj : snapshot) OnUpdate(*obj, *obj);
}

void Informer::OnAdd(const api::Object& obj) {
  std::lock_guard lock(handler_mu_);
  for (const auto& h : handlers_) {
    if (h.on_add) h.on_add(obj);
  }
}

void Informer::OnUpdate(const api::Object& old_obj, const api::Object& new_obj) {
  std::lock_guard lock(handler_mu_);
  for (const auto& h : handlers_) {
    if (h.on_update) h.on_update(old_obj, new_obj);
  }
}

void Informer::OnDelete(const api::Object& obj) {
  std::lock_guard lock(handler_mu_);
  for (const auto& h : handlers_) {
    if (h.on_delete) h.on_delete(obj);
  }
}

void Informer::MaybeResync() {
  if (opts_.resync_period <= std::chrono::milliseconds(0)) return;
  Clock::SteadyTime now = clock_.Steady();
  if (now < next_resync_) return;
  next_resync_ = now + opts_.resync_period;
  spdlog::debug("informer {}: resync of {} objects", opts_.kind, Size());
  Resync();
}

void Informer::Run() {
  int failures = 0;
  for (;;) {
    if (failures > 0) {
      auto delay = BackoffDelay(opts_.backoff, failures - 1, RandomUnit());
      if (!sleeper_.SleepFor(delay)) return;
    }
    if (!ListAndWatch(&failures)) return;
  }
}

bool Informer::ListAndWatch(int* failures) {
  auto list = lw_->List();
  if (!list.ok()) {
    ++*failures;
    spdlog::warn("informer {}: list failed (attempt {}): {}", opts_.kind, *failures,
                 list.status().ToString());
    return !sleeper_.cancelled();
  }
  std::string rv = list->resource_version;
  ReplaceCache(std::move(list->items));
  {
    std::lock_guard lock(mu_);
    if (!synced_) {
      synced_ = true;
      next_resync_ = clock_.Steady() + opts_.resync_period;
      synced_cv_.notify_all();
    }
  }
  auto opened = lw_->Watch(rv);
  if (!opened.ok()) {
    ++*failures;
    spdlog::warn("informer {}: watch from {} failed (attempt {}): {}", opts_.kind, rv, *failures,
                 opened.status().ToString());
    return !sleeper_.cancelled();
  }
  std::unique_ptr<registry::ObjectWatch> watch = std::move(opened).value();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    watch_ = watch.get();
  }
  bool keep_going = true;
  for (;;) {
    MaybeResync();
    auto ev = watch->Next(opts_.check_interval);
    if (ev.ok()) {
      *failures = 0;
      Apply(std::move(ev).value());
      continue;
    }
    Code code = ev.status().code();
    if (code == Code::kTimeout) {
      *failures = 0;
      continue;
    }
    if (sleeper_.cancelled()) {
      keep_going = false;
    } else {
      ++*failures;
      auto log_level = code == Code::kGone ? spdlog::level::info : spdlog::level::warn;
      spdlog::log(log_level, "informer {}: watch ended, re-listing: {}", opts_.kind,
                  ev.status().ToString());
    }
    break;
  }
  {
    std::lock_guard lock(mu_);
    watch_ = nullptr;
  }
  watch->Stop();
  return keep_going && !sleeper_.cancelled();
}

void Informer::ReplaceCache(std::vector<api::Object> items) {
  std::map<std::string, Ptr> fresh;
  for (auto& item : items) {
    std::string key = item.ref().ToString();
    fresh[key] = std::make_shared<const api::Object>(std::move(item));
  }
  std::map<std::string, Ptr> old;
  {
    std::unique_lock lock(cache_mu_);
    old = cache_;
    cache_ = fresh;
  }
  for (const auto& [key, obj] : fresh) {
    auto it = old.find(key);
    if (it == old.end()) {
      OnAdd(*obj);
    } else if (it->second->resource_version() != obj->resource_version()) {
      OnUpdate(*it->second, *obj);
    }
  }
  for (const auto& [key, obj] : old) {
    if (!fresh.count(key)) OnDelete(*obj);
  }
}

void Informer::Apply(registry::WatchEvent ev) {
  std::string key = ev.object.ref().ToString();
  if (ev.type == "DELETED") {
    {
      std::unique_lock lock(cache_mu_);
      cache_.erase(key);
    }
    OnDelete(ev.object);
    return;
  }
  if (ev.type != "ADDED" && ev.type != "MODIFIED") {
    spdlog::debug("informer {}: ignoring watch event {}", opts_.kind, ev.type);
    return;
  }
  auto obj = std::make_shared<const api::Object>(std::move(ev.object));
  Ptr old;
  {
    std::unique_lock lock(cache_mu_);
    Ptr& slot = cache_[key];
    old = std::move(slot);
    slot = obj;
  }
  if (old) {
    OnUpdate(*old, *obj);
  } else {
    OnAdd(*obj);
  }
}

}  // namespace berth::runtime
