// Shutdown on SIGTERM / SIGINT, for main.
//
// main calls ShutdownSignals::Install first thing, before anything creates a
// thread (store::Open does: its watch hub polls): Install blocks SIGTERM and
// SIGINT in the calling thread, every thread created afterwards inherits that
// mask, and one dedicated thread takes the signals with sigtimedwait(). The first
// signal runs the handler once, on a helper thread and outside any signal
// handler, so it may lock, log and join. Because the manager does not exist
// yet when Install must run, the handler can be given later with SetHandler; a
// signal that came before it is handled as soon as it is set. A second signal
// exits at once with status 128 + signo, as impatient operators expect.
//
//   int main(...) {
//     auto signals = runtime::ShutdownSignals::Install();  // before any thread
//     ... open the store, build the manager and the API server ...
//     (*signals)->SetHandler([&](int) { manager.Stop(); api_server.Stop(); });
//     BERTH_RETURN_IF_ERROR(manager.Start());
//     Status s = manager.Wait();   // returns after Stop() or a lost lease
//     return s.ok() ? 0 : 1;
//   }
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "operator/common/result.h"

namespace berth::runtime {

class ShutdownSignals {
 public:
  // Internal when the signal mask cannot be set.
  static Result<std::unique_ptr<ShutdownSignals>> Install(
      std::function<void(int signo)> on_signal = {});
  // Stops the signal thread, waits for a handler still running, and restores
  // the caller's previous signal mask.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Sets the handler; runs it at once if a signal is already pending.
  void SetHandler(std::function<void(int signo)> on_signal);
  // How many signals have been received.
  int received() const { return received_.load(); }

  struct Key {  // only Install constructs one
   private:
    Key() = default;
    friend class ShutdownSignals;
  };
  explicit ShutdownSignals(Key) {}

 private:
  void Run();
  void MaybeRunHandlerLocked();

  sigset_t set_{};
  sigset_t previous_{};
  std::atomic<bool> closing_{false};
  std::atomic<int> received_{0};
  std::thread thread_;  // sigtimedwait loop

  std::mutex mu_;  // guards the fields below
  std::function<void(int)> on_signal_;
  int pending_signo_ = 0;
  bool handled_ = false;
  std::thread handler_;  // runs on_signal_ for the first signal
};

}  // namespace berth::runtime
