#include "operator/runtime/manager.h"

#include "operator/common/log.h"

namespace berth::runtime {

Manager::Manager(ManagerOptions opts) : opts_(std::move(opts)) {}

Manager::~Manager() {
  Stop();
}

Informer& Manager::AddInformer(std::unique_ptr<Informer> informer) {
  informers_.push_back(std::move(informer));
  return *informers_.back();
}

Controller& Manager::AddController(std::unique_ptr<Controller> controller) {
  controllers_.push_back(std::move(controller));
  return *controllers_.back();
}

Controller& Manager::AddController(ControllerOptions opts, std::unique_ptr<Reconciler> reconciler) {
  reconcilers_.push_back(std::move(reconciler));
  return AddController(std::make_unique<Controller>(std::move(opts), *reconcilers_.back()));
}

void Manager::AddRunnable(std::unique_ptr<Runnable> runnable) {
  runnables_.push_back(std::move(runnable));
}

bool Manager::Stopping() const {
  std::lock_guard lock(mu_);
  return stop_requested_ || lost_;
}

void Manager::OnStartedLeading() {
  std::lock_guard lock(mu_);
  leading_ = true;
  cv_.notify_all();
}

void Manager::OnStoppedLeading() {
  std::lock_guard lock(mu_);
  leading_ = false;
  if (!stop_requested_) lost_ = true;
  cv_.notify_all();
}

Status Manager::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return Status::Internal("manager already started");
    started_ = true;
    if (stop_requested_) return Status::Cancelled("manager stopped before it started");
  }
  if (opts_.leader_election_store) {
    LeaderElectionOptions le = opts_.leader_election;
    le.on_started_leading = [this] { OnStartedLeading(); };
    le.on_stopped_leading = [this] { OnStoppedLeading(); };
    {
      std::lock_guard lock(mu_);
      elector_ = std::make_unique<LeaderElector>(*opts_.leader_election_store, std::move(le));
    }
    Status started = elector_->Start();
    std::unique_lock lock(mu_);
    if (!started.ok()) {
      // A Stop() between creating the elector and starting it stopped the
      // elector first; that is a cancelled start, not an error.
      if (stop_requested_) return Status::Cancelled("manager stopped before it campaigned");
      return started;
    }
    cv_.wait(lock, [&] { return leading_ || stop_requested_ || lost_; });
    if (!leading_) {
      return stop_requested_ ? Status::Cancelled("manager stopped while waiting for the lease")
                             : Status::Unavailable("leadership lost");
    }
  } else {
    std::lock_guard lock(mu_);
    leading_ = true;
  }
  supervisor_ = std::thread([this] { Supervise(); });

  auto check = [&]() -> Status {
    std::lock_guard lock(mu_);
    if (lost_) return Status::Unavailable("leadership lost while starting");
    if (stop_requested_) return Status::Cancelled("manager stopped while starting");
    return Status::Ok();
  };
  for (auto& informer : informers_) {
    BERTH_RETURN_IF_ERROR(check());
    BERTH_RETURN_IF_ERROR(informer->Start());
  }
  auto deadline = std::chrono::steady_clock::now() + opts_.cache_sync_timeout;
  for (auto& informer : informers_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!informer->WaitForSync(std::max(left, std::chrono::milliseconds(0)))) {
      BERTH_RETURN_IF_ERROR(check());
      return Status::Timeout("cache of " + informer->kind() + " did not sync within " +
                             std::to_string(opts_.cache_sync_timeout.count()) + " ms");
    }
  }
  spdlog::info("manager: {} caches synced", informers_.size());
  for (auto& controller : controllers_) {
    BERTH_RETURN_IF_ERROR(check());
    BERTH_RETURN_IF_ERROR(controller->Start());
  }
  for (auto& runnable : runnables_) {
    BERTH_RETURN_IF_ERROR(check());
    BERTH_RETURN_IF_ERROR(runnable->Start().Prefixed(runnable->name()));
  }
  return check();
}

void Manager::Supervise() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return lost_ || stop_requested_; });
  if (!lost_) return;  // Stop() does the work
  lock.unlock();
  spdlog::error("manager: leadership lost; stopping every controller");
  StopComponents();
  lock.lock();
  cv_.notify_all();
}

void Manager::StopComponents() {
  std::lock_guard stop(stop_mu_);
  {
    std::lock_guard lock(mu_);
    if (components_stopped_) return;
  }
  for (auto it = runnables_.rbegin(); it != runnables_.rend(); ++it) (*it)->Stop();
  for (auto& controller : controllers_) controller->Stop();
  for (auto& informer : informers_) informer->Stop();
  std::lock_guard lock(mu_);
  components_stopped_ = true;
  cv_.notify_all();
}

void Manager::Stop() {
  {
    std::lock_guard lock(mu_);
    if (done_) return;
    stop_requested_ = true;
    cv_.notify_all();
  }
  if (supervisor_.joinable() && supervisor_.get_id() != std::this_thread::get_id()) {
    supervisor_.join();
  }
  StopComponents();
  LeaderElector* elector;
  {
    std::lock_guard lock(mu_);
    elector = elector_.get();
  }
  if (elector) elector->Stop(/*release=*/true);
  std::lock_guard lock(mu_);
  done_ = true;
  cv_.notify_all();
}

Status Manager::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return done_ || (lost_ && components_stopped_); });
  if (lost_) return Status::Unavailable("lost the leader lease; controllers stopped");
  return Status::Ok();
}

LeaderElector* Manager::elector() {
  std::lock_guard lock(mu_);
  return elector_.get();
}

bool Manager::IsLeader() const {
  std::lock_guard lock(mu_);
  if (!leading_ || components_stopped_) return false;
  return elector_ ? elector_->IsLeader() : true;
}

}  // namespace berth::runtime
