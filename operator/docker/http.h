// HttpTransport: HTTP/1.1 over a Unix socket or TCP with libcurl. Internal to
// berth_docker (the client's files only); nothing here leaks <curl/curl.h>.
//
// Thread-safe: each request borrows an easy handle (with its own keep-alive
// connection) from a small pool; curl handles themselves are never shared
// between threads at the same time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"
#include "operator/docker/curl_docker_client.h"
#include "operator/docker/docker_client.h"

namespace berth::docker::internal {

struct Endpoint {
  std::string unix_path;  // set for unix:// endpoints
  std::string base_url;   // "http://localhost" for unix, "http://host:port" for tcp
  std::string display;    // as the user wrote it, for messages
};

// Parses "unix:///p", "/p", "tcp://h:p", "http://h:p". BadRequest otherwise.
Result<Endpoint> ParseEndpoint(const std::string& endpoint);

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // with query, e.g. "/v1.41/containers/json?all=1"
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::string> headers;  // "Name: value"
  // Negative: the client's request_timeout; zero: no timeout.
  std::chrono::milliseconds timeout{-1};
  const CancelToken* cancel = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::string body;      // the whole body, or (when streaming) a non-2xx body
  bool stopped = false;  // the stream callback asked to stop
};

// Receives the body of a 2xx response as it arrives; false stops the transfer.
using BodySink = std::function<bool(std::string_view chunk)>;

class HttpTransport {
 public:
  HttpTransport(Endpoint endpoint, CurlClientOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Sends the request and returns the response, whatever its HTTP status.
  // Transport failures: Unavailable (cannot connect, connection dropped),
  // Timeout, Cancelled, Internal. With `sink`, a 2xx body goes to it instead.
  Result<HttpResponse> Do(const HttpRequest& request, const BodySink* sink = nullptr);

  uint64_t calls() const { return calls_.load(std::memory_order_relaxed); }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  struct Handle;
  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> handle);

  Endpoint endpoint_;
  CurlClientOptions options_;
  std::atomic<uint64_t> calls_{0};
  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

// Percent-encodes a query component (RFC 3986 unreserved characters kept).
std::string UrlEscape(std::string_view s);

// Builds "?a=1&b=x" from pairs, skipping pairs whose value is empty.
class Query {
 public:
  Query& Add(std::string_view key, std::string_view value);
  std::string str() const { return out_; }

 private:
  std::string out_;
};

}  // namespace berth::docker::internal
