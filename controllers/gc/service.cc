#include "controllers/gc/service.h"

#include "operator/common/log.h"

namespace berth::gc {

std::unique_ptr<Collector> Collector::Start(registry::Registry& registry, store::Store& store,
                                            CollectorOptions options) {
  if (options.leader_elect && options.identity.empty()) {
    // One identity for every campaign: a lease it could not release is its own.
    options.identity = runtime::DefaultIdentity();
  }
  std::unique_ptr<Collector> c(new Collector(registry, store, std::move(options)));
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

Collector::Collector(registry::Registry& registry, store::Store& store, CollectorOptions options)
    : registry_(registry), store_(store), options_(std::move(options)) {}

Collector::~Collector() {
  Stop();
}

void Collector::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (manager_) manager_->Stop();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  manager_.reset();
}

bool Collector::leading() const {
  std::lock_guard lock(mu_);
  return manager_ && manager_->IsLeader();
}

void Collector::Run() {
  for (;;) {
    runtime::Manager* manager;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      manager_.reset();  // the previous campaign's, stopped
      runtime::ManagerOptions mo;
      if (options_.leader_elect) {
        mo.leader_election_store = &store_;
        mo.leader_election.key = options_.lease_key;
        mo.leader_election.identity = options_.identity;
      }
      manager_ = std::make_unique<runtime::Manager>(mo);
      AddGarbageCollector(*manager_, registry_, options_.setup);
      manager = manager_.get();
    }
    Status st = manager->Start();
    if (st.code() == Code::kCancelled) return;  // stopped before leading
    if (st.ok()) {
      spdlog::info("garbage collector: leading, collecting");
      st = manager->Wait();
      if (st.ok()) return;  // stopped
    } else {
      manager->Stop();
    }
    spdlog::warn("garbage collector stopped: {}; campaigning again", st.ToString());
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.retry_after, [this] { return stopping_; });
  }
}

}  // namespace berth::gc
