#include "operator/runtime/signals.h"

#include <pthread.h>
#include <time.h>

#include <cstdlib>
#include <cstring>

#include "operator/common/log.h"

namespace berth::runtime {

Result<std::unique_ptr<ShutdownSignals>> ShutdownSignals::Install(
    std::function<void(int)> on_signal) {
  auto s = std::make_unique<ShutdownSignals>(Key());
  s->on_signal_ = std::move(on_signal);
  sigemptyset(&s->set_);
  sigaddset(&s->set_, SIGTERM);
  sigaddset(&s->set_, SIGINT);
  int rc = pthread_sigmask(SIG_BLOCK, &s->set_, &s->previous_);
  if (rc != 0) return Status::Internal(std::string("pthread_sigmask: ") + std::strerror(rc));
  s->thread_ = std::thread([p = s.get()] { p->Run(); });
  return s;
}

ShutdownSignals::~ShutdownSignals() {
  closing_ = true;  // the signal thread notices within one wait slice
  if (thread_.joinable()) thread_.join();
  std::thread handler;
  {
    std::lock_guard lock(mu_);
    handler.swap(handler_);
  }
  if (handler.joinable()) handler.join();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void ShutdownSignals::SetHandler(std::function<void(int)> on_signal) {
  std::lock_guard lock(mu_);
  on_signal_ = std::move(on_signal);
  MaybeRunHandlerLocked();
}

void ShutdownSignals::MaybeRunHandlerLocked() {
  if (handled_ || pending_signo_ == 0 || !on_signal_) return;
  handled_ = true;
  // A helper thread, so that a second signal is still noticed while the
  // handler (a clean shutdown) runs.
  handler_ = std::thread([f = on_signal_, signo = pending_signo_] { f(signo); });
}

void ShutdownSignals::Run() {
  for (;;) {
    if (closing_) return;
    // A timed wait, so the destructor can end the loop without raising a
    // signal at the thread.
    timespec slice{0, 200'000'000};
    int signo = sigtimedwait(&set_, nullptr, &slice);
    if (signo < 0) continue;  // EAGAIN (timeout) or EINTR
    if (closing_) return;
    int n = ++received_;
    if (n > 1) {
      spdlog::warn("received signal {} again; exiting now", signo);
      std::_Exit(128 + signo);
    }
    spdlog::info("received signal {}; shutting down", signo);
    std::lock_guard lock(mu_);
    pending_signo_ = signo;
    MaybeRunHandlerLocked();
  }
}

}  // namespace berth::runtime
