// The cpprest http_listener adapter.
#define _TURN_OFF_PLATFORM_STRING
#include "operator/apiserver/listener.h"

#include <arpa/inet.h>
#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>
#include <cpprest/uri.h>
#include <netinet/in.h>
#include <pplx/threadpool.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

#include "operator/common/log.h"
#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

namespace http = web::http;
using http::experimental::listener::http_listener;
using http::experimental::listener::http_listener_config;
using Buffer = concurrency::streams::producer_consumer_buffer<uint8_t>;

// One streamed response: the buffer cpprest reads the body from, and
// whether the client is still there.
struct StreamState {
  Buffer buf;
  std::atomic<bool> gone{false};      // the response failed: client went away
  std::atomic<bool> finished{false};  // the stream function returned
  std::thread thread;
};

class Sink final : public StreamSink {
 public:
  Sink(StreamState& st, const std::atomic<bool>& closing, size_t max_backlog)
      : st_(st), closing_(closing), max_backlog_(max_backlog) {}

  bool Write(std::string_view data) override {
    if (!Alive()) return false;
    if (st_.buf.in_avail() > max_backlog_) {
      spdlog::warn("ending a streamed response: the client reads too slowly");
      st_.gone = true;
      return false;
    }
    if (data.empty()) return true;
    try {
      st_.buf.putn_nocopy(reinterpret_cast<const uint8_t*>(data.data()), data.size()).wait();
      st_.buf.sync().wait();
    } catch (const std::exception&) {
      st_.gone = true;
      return false;
    }
    return true;
  }
  bool Alive() const override { return !st_.gone && !closing_; }

 private:
  StreamState& st_;
  const std::atomic<bool>& closing_;
  size_t max_backlog_;
};

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Request ToRequest(const http::http_request& in) {
  Request r;
  r.method = in.method();
  if (r.method == "HEAD") r.method = "GET";
  const web::uri& uri = in.request_uri();
  const std::string& raw_path = uri.path();
  r.path = PercentDecode(raw_path, false);
  for (const std::string& seg : Split(raw_path, '/', true)) {
    r.segments.push_back(PercentDecode(seg, false));
  }
  for (const std::string& kv : Split(uri.query(), '&', true)) {
    size_t eq = kv.find('=');
    std::string key = PercentDecode(kv.substr(0, eq), true);
    std::string value = eq == std::string::npos ? "" : PercentDecode(kv.substr(eq + 1), true);
    r.query[key] = value;
  }
  for (const auto& [name, value] : in.headers()) r.headers[ToLower(name)] = value;
  return r;
}

int FreePort(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) addr.sin_addr.s_addr = INADDR_ANY;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

void ConfigureTls(boost::asio::ssl::context& ctx, const std::string& cert, const std::string& key) {
  ctx.set_options(boost::asio::ssl::context::default_workarounds |
                  boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                  boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
  ctx.use_certificate_chain_file(cert);
  ctx.use_private_key_file(key, boost::asio::ssl::context::pem);
}

}  // namespace

// Replies handed to cpprest whose completion has not run yet. Close() waits
// for them: a continuation still queued in cpprest's thread pool when the
// process exits is never run nor freed (LeakSanitizer reports it), and a
// response in flight deserves its chance to be written. Shared with the
// continuations, so a late one never touches a destroyed listener.
struct InFlight {
  std::mutex mu;
  std::condition_variable cv;
  int replies = 0;

  void Add() {
    std::lock_guard lock(mu);
    ++replies;
  }
  void Done() {
    std::lock_guard lock(mu);
    if (--replies == 0) cv.notify_all();
  }
  // Bounded: a reply cpprest never completes must not hang shutdown.
  bool WaitIdle(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [this] { return replies == 0; });
  }
};

// Sends `resp` and counts it in `in_flight` until its completion has run;
// `done` (may be empty) sees whether writing it failed.
void Reply(http::http_request& req, const http::http_response& resp,
           const std::shared_ptr<InFlight>& in_flight, std::function<void(bool failed)> done) {
  in_flight->Add();
  req.reply(resp).then([in_flight, done = std::move(done)](pplx::task<void> t) {
    bool failed = false;
    try {
      t.get();
    } catch (const std::exception&) {
      failed = true;  // the client went away before the response was written
    }
    if (done) done(failed);
    in_flight->Done();
  });
}

struct Listener::Impl {
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  Options options;
  Dispatch dispatch;
  int port = 0;
  std::unique_ptr<http_listener> listener;
  std::atomic<bool> closing{false};
  mutable std::mutex mu;
  std::list<std::shared_ptr<StreamState>> streams;

  void OnRequest(http::http_request req) {
    req.extract_vector().then([this, req](pplx::task<std::vector<unsigned char>> body) mutable {
      Request r = ToRequest(req);
      try {
        std::vector<unsigned char> bytes = body.get();
        r.body.assign(bytes.begin(), bytes.end());
      } catch (const std::exception& e) {
        Send(req, Response{400, "text/plain", "cannot read the request body\n", {}, nullptr});
        return;
      }
      Send(req, dispatch(r));
    });
  }

  void Send(http::http_request& req, Response r) {
    http::http_response resp(static_cast<http::status_code>(r.code));
    for (const auto& [k, v] : r.headers) resp.headers().add(k, v);
    if (r.stream) {
      StartStream(req, resp, std::move(r));
      return;
    }
    resp.set_body(std::vector<unsigned char>(r.body.begin(), r.body.end()));
    resp.headers().set_content_type(r.content_type);
    Reply(req, resp, in_flight, nullptr);
  }

  void StartStream(http::http_request& req, http::http_response& resp, Response r) {
    auto st = std::make_shared<StreamState>();
    {
      std::lock_guard lock(mu);
      Reap();
      if (closing) {
        resp.set_status_code(http::status_codes::ServiceUnavailable);
        resp.set_body(std::string("server is shutting down\n"));
        Reply(req, resp, in_flight, nullptr);
        return;
      }
      streams.push_back(st);
    }
    resp.set_body(concurrency::streams::istream(st->buf), r.content_type);
    resp.headers().add("Cache-Control", "no-cache, private");
    // Done either way (written, or a write to the client failed): the
    // stream function may stop.
    Reply(req, resp, in_flight, [st](bool) { st->gone = true; });
    size_t backlog = options.max_stream_backlog;
    st->thread = std::thread([this, st, backlog, fn = std::move(r.stream)] {
      Sink sink(*st, closing, backlog);
      try {
        fn(sink);
      } catch (const std::exception& e) {
        spdlog::error("streamed response failed: {}", e.what());
      }
      try {
        st->buf.close(std::ios_base::out).wait();
      } catch (const std::exception&) {
      }
      st->finished = true;
    });
  }

  // Joins the threads of finished streams. Caller holds mu.
  void Reap() {
    for (auto it = streams.begin(); it != streams.end();) {
      if ((*it)->finished) {
        if ((*it)->thread.joinable()) (*it)->thread.join();
        it = streams.erase(it);
      } else {
        ++it;
      }
    }
  }
};

Listener::Listener(Options options, Dispatch dispatch) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->dispatch = std::move(dispatch);
}

Listener::~Listener() {
  Close();
}

Status Listener::Open() {
  Impl& im = *impl_;
  const bool tls = !im.options.tls_cert.empty() || !im.options.tls_key.empty();
  http_listener_config config;
  if (tls) {
    if (im.options.tls_cert.empty() || im.options.tls_key.empty()) {
      return Status::BadRequest("TLS needs both a certificate and a key");
    }
    try {  // load once here, so a bad file is an error now, not on each connection
      boost::asio::ssl::context probe(boost::asio::ssl::context::tls_server);
      ConfigureTls(probe, im.options.tls_cert, im.options.tls_key);
    } catch (const std::exception& e) {
      return Status::BadRequest("cannot load TLS certificate/key (" + im.options.tls_cert + ", " +
                                im.options.tls_key + "): " + e.what());
    }
    std::string cert = im.options.tls_cert, key = im.options.tls_key;
    config.set_ssl_context_callback(
        [cert, key](boost::asio::ssl::context& ctx) { ConfigureTls(ctx, cert, key); });
  }
  std::string host = im.options.host.empty() ? "0.0.0.0" : im.options.host;
  std::string uri_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string last_error;
  for (int attempt = 0; attempt < 20; ++attempt) {
    int port = im.options.port != 0 ? im.options.port : FreePort(host);
    if (port == 0) return Status::Unavailable("cannot find a free port on " + host);
    std::string uri =
        std::string(tls ? "https://" : "http://") + uri_host + ":" + std::to_string(port) + "/";
    try {
      auto l = std::make_unique<http_listener>(uri, config);
      // http_request has no move constructor (a user-declared destructor); a
      // copy only copies its shared_ptr.
      l->support([&im](http::http_request req) { im.OnRequest(req); });
      l->open().wait();
      im.listener = std::move(l);
      im.port = port;
      im.closing = false;
      return Status::Ok();
    } catch (const std::exception& e) {
      last_error = e.what();
      if (im.options.port != 0) break;  // a fixed port: no point retrying
    }
  }
  return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(im.options.port) +
                             ": " + last_error);
}

void Listener::Close() {
  Impl& im = *impl_;
  std::list<std::shared_ptr<StreamState>> streams;
  {
    std::lock_guard lock(im.mu);
    im.closing = true;
    streams = im.streams;
  }
  for (auto& st : streams) {
    if (st->thread.joinable()) st->thread.join();
  }
  {
    std::lock_guard lock(im.mu);
    im.streams.clear();
  }
  if (im.listener) {
    try {
      im.listener->close().wait();
    } catch (const std::exception& e) {
      spdlog::warn("closing the HTTP listener: {}", e.what());
    }
    im.listener.reset();
  }
  if (!im.in_flight->WaitIdle(std::chrono::seconds(10))) {
    spdlog::warn("closing the HTTP listener: responses still in flight after 10s");
  }
}

int Listener::port() const {
  return impl_->port;
}

size_t Listener::open_streams() const {
  std::lock_guard lock(impl_->mu);
  size_t n = 0;
  for (const auto& st : impl_->streams) n += st->finished ? 0 : 1;
  return n;
}

void InitializeThreadPool(size_t threads) {
  try {
    crossplat::threadpool::initialize_with_threads(threads);
  } catch (const std::exception& e) {
    spdlog::debug("thread pool already initialized: {}", e.what());
  }
}

Status ParseListenAddress(const std::string& listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::BadRequest("listen address \"" + listen + "\" must be HOST:PORT");
  }
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  long long p = 0;
  if (!ParseInt64(listen.substr(colon + 1), &p) || p < 0 || p > 65535) {
    return Status::BadRequest("listen address \"" + listen + "\" has an invalid port");
  }
  *host = h.empty() ? "0.0.0.0" : h;
  *port = static_cast<int>(p);
  return Status::Ok();
}

}  // namespace berth::apiserver
