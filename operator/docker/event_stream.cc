#include "operator/docker/event_stream.h"

#include <algorithm>
#include <cstdio>

namespace berth::docker {
namespace {

std::string FormatSince(int64_t time_nano) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(time_nano / 1000000000LL),
                static_cast<long long>(time_nano % 1000000000LL));
  return buf;
}

int64_t NowNano() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DockerEventStream::DockerEventStream(DockerClient& client, Options options,
                                     std::function<void(const Event&)> cb)
    : client_(client), options_(std::move(options)), cb_(std::move(cb)) {}

DockerEventStream::~DockerEventStream() {
  Stop();
}

void DockerEventStream::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void DockerEventStream::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (current_) current_->Cancel();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void DockerEventStream::Reconnect() {
  std::lock_guard<std::mutex> lock(mu_);
  if (current_) current_->Cancel();
}

uint64_t DockerEventStream::delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_;
}

uint64_t DockerEventStream::connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_;
}

std::string DockerEventStream::ResumeSince() const {
  return FormatSince(last_time_nano_);
}

bool DockerEventStream::Deliver(const Event& e) {
  Key key{e.actor_id, e.action, e.time_nano};
  if (e.time_nano == last_time_nano_ && seen_at_last_.count(key)) return true;  // a replay
  if (e.time_nano > last_time_nano_) {
    last_time_nano_ = e.time_nano;
    seen_at_last_.clear();
  }
  if (e.time_nano == last_time_nano_) seen_at_last_.insert(key);
  cb_(e);
  std::lock_guard<std::mutex> lock(mu_);
  ++delivered_;
  return !stopping_;
}

void DockerEventStream::Run() {
  // Without an explicit start, "now" is the resume point until an event
  // arrives, so events during a first failed connect are not lost.
  std::string since = options_.events.since;
  if (since.empty()) last_time_nano_ = NowNano();
  auto backoff = options_.backoff_initial;
  for (;;) {
    auto token = std::make_shared<CancelToken>();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      current_ = token;
      ++connections_;
    }
    if (options_.on_connect) options_.on_connect();
    EventsOptions eo = options_.events;
    eo.since = since.empty() ? ResumeSince() : since;
    uint64_t before = delivered();
    auto started = std::chrono::steady_clock::now();
    Status st = client_.StreamEvents(
        eo, [this](const Event& e) { return Deliver(e); }, *token);
    bool forced = token->cancelled();
    {
      std::lock_guard<std::mutex> lock(mu_);
      current_.reset();
      if (stopping_) return;
    }
    if (delivered() > before || last_time_nano_ > 0) since.clear();  // resume from events now
    if (options_.on_disconnect) options_.on_disconnect(st);
    if (forced) {
      backoff = options_.backoff_initial;
      continue;  // Reconnect(): come back at once
    }
    if (delivered() > before ||
        std::chrono::steady_clock::now() - started > std::chrono::seconds(5)) {
      backoff = options_.backoff_initial;  // the connection was healthy for a while
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, backoff, [this] { return stopping_; });
    if (stopping_) return;
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

}  // namespace berth::docker
