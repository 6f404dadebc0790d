// DockerEventStream: a Docker /events subscription that survives disconnects.
//
// Runs StreamEvents on its own thread and calls the callback once per event.
// When the connection drops (engine restart, socket error) it reconnects with
// exponential backoff and resumes with since=<time of the last event>, skipping
// the events it already delivered at that instant (same actor id + action +
// timeNano), so a consumer sees every event once and in order. The engine
// replays only its last 256 events: after a longer outage some are lost, which
// is why controllers also resync periodically (they are level-triggered).
// Thread-safe; Stop() returns within ~100 ms plus the callback's running time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "operator/docker/docker_client.h"

namespace berth::docker {

class DockerEventStream {
 public:
  struct Options {
    EventsOptions events;  // filters; `since` only applies to the first connection
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{5000};
    // Called on the stream thread after each disconnect, before the backoff
    // wait, with the Status the stream ended with. For logging and tests.
    std::function<void(const Status&)> on_disconnect;
    // Called on the stream thread before each connection attempt (so before
    // any event of that connection is delivered).
    std::function<void()> on_connect;
  };

  // `client` must outlive the stream. `cb` runs on the stream thread; it must
  // not call Stop() (it would wait for itself).
  DockerEventStream(DockerClient& client, Options options, std::function<void(const Event&)> cb);
  ~DockerEventStream();  // Stop()s
  DockerEventStream(const DockerEventStream&) = delete;
  DockerEventStream& operator=(const DockerEventStream&) = delete;

  void Start();
  // Ends the stream and joins the thread. Idempotent.
  void Stop();
  // Drops the current connection as if the engine had; the stream resumes.
  void Reconnect();

  uint64_t delivered() const;    // events passed to the callback
  uint64_t connections() const;  // connections established so far

 private:
  using Key = std::tuple<std::string, std::string, int64_t>;  // actor id, action, timeNano
  void Run();
  bool Deliver(const Event& e);
  std::string ResumeSince() const;

  DockerClient& client_;
  Options options_;
  std::function<void(const Event&)> cb_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::shared_ptr<CancelToken> current_;  // the live connection's token
  uint64_t delivered_ = 0;
  uint64_t connections_ = 0;

  // Only touched on the stream thread.
  int64_t last_time_nano_ = 0;
  std::set<Key> seen_at_last_;  // keys delivered with timeNano == last_time_nano_

  std::thread thread_;
};

}  // namespace berth::docker
