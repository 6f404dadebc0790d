// Shutdown on SIGTERM / SIGINT, for main.
//
// main calls ShutdownSignals::Install first thing, before it creates any
// thread: Install blocks SIGTERM and SIGINT in the calling thread, every
// thread created afterwards inherits that mask, and one dedicated thread takes
// the signals with sigwait() and calls `on_signal` (typically
// `[&] { manager.Stop(); api_server.Stop(); }`), outside any signal handler,
// so the callback may lock, log and join. A second signal while the first is
// being handled exits at once with status 128 + signo, as impatient operators
// expect.
//
//   int main(...) {
//     auto signals = runtime::ShutdownSignals::Install([&](int) { manager.Stop(); });
//     ... start the API server and manager ...
//     Status s = manager.Wait();   // returns after Stop() or a lost lease
//     return s.ok() ? 0 : 1;
//   }
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include <signal.h>

#include "operator/common/result.h"

namespace berth::runtime {

class ShutdownSignals {
 public:
  // Internal when the signal mask cannot be set.
  static Result<std::unique_ptr<ShutdownSignals>> Install(std::function<void(int signo)> on_signal);
  // Stops the signal thread, waits for a callback still running, and restores
  // the caller's previous signal mask.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // How many signals have been received.
  int received() const { return received_.load(); }

  struct Key {  // only Install constructs one
   private:
    Key() = default;
    friend class ShutdownSignals;
  };
  ShutdownSignals(Key, std::function<void(int)> on_signal) : on_signal_(std::move(on_signal)) {}

 private:
  void Run();

  std::function<void(int)> on_signal_;
  sigset_t set_{};
  sigset_t previous_{};
  std::atomic<bool> closing_{false};
  std::atomic<int> received_{0};
  std::thread thread_;   // sigwait loop
  std::thread handler_;  // runs on_signal_ for the first signal
};

}  // namespace berth::runtime
