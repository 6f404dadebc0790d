// Listener: the cpprest adapter under the Server. Turns cpprest requests into
// Requests (body read asynchronously first), sends Responses back, and runs
// streamed responses on their own threads, writing through a
// producer_consumer_buffer. cpprest stays inside listener.cc.
// Open/Close are not thread-safe against each other; requests are served
// concurrently on cpprest's thread pool.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "operator/apiserver/http.h"
#include "operator/common/status.h"

namespace berth::apiserver {

class Listener {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: a free port
    std::string tls_cert;
    std::string tls_key;
    size_t max_stream_backlog = 64 << 20;
  };
  using Dispatch = std::function<Response(Request&)>;

  Listener(Options options, Dispatch dispatch);
  ~Listener();  // Close()s
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and starts accepting. Unavailable when the address cannot be
  // bound; BadRequest when the TLS files do not load.
  Status Open();
  // Ends every stream (their sinks report not alive), joins their threads,
  // then closes the listener. Idempotent.
  void Close();
  int port() const;
  // Streams (watches, logs) whose threads are still running.
  size_t open_streams() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sizes cpprest's shared thread pool (which serves every request; streams run
// on their own threads). Must be called before any server or client starts;
// later calls have no effect.
void InitializeThreadPool(size_t threads);

// Splits a "host:port" listen address ("[::1]:80", ":7443" = all interfaces).
Status ParseListenAddress(const std::string& listen, std::string* host, int* port);

}  // namespace berth::apiserver
