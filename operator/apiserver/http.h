// The HTTP request and response values the API server's handlers work with.
// Handlers never see cpprest: the listener adapter (listener.cc) turns a
// cpprest request into a Request and a Response back into bytes on the wire.
// Value types; thread-compatible.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/apiserver/auth.h"

namespace berth::apiserver {

struct Request {
  std::string method;                          // "GET", "POST", ... (upper case)
  std::string path;                            // percent-decoded, no query
  std::vector<std::string> segments;           // path split on '/', empty ones dropped
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps the last
  std::map<std::string, std::string> headers;  // keys lower case
  std::string body;
  User user;  // who is calling; empty name for unauthenticated endpoints

  // The query parameter `key`, or `fallback` when absent.
  std::string Query(std::string_view key, std::string_view fallback = "") const;
  bool HasQuery(std::string_view key) const { return query.count(std::string(key)) > 0; }
  // True when the query parameter is "true" or "1".
  bool QueryFlag(std::string_view key) const;
  // The header `name` (any case), or "" when absent.
  std::string Header(std::string_view name) const;
};

// Where a streamed response body goes. Write returns false once the client
// has gone away, the server is stopping, or the client reads too slowly (its
// unsent backlog passed the server's limit); the stream function must then
// return promptly. Used only from the stream's own thread.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Sends `data` to the client now (flushed); false when the stream is over.
  virtual bool Write(std::string_view data) = 0;
  // False once the client has gone away or the server is stopping.
  virtual bool Alive() const = 0;
};

struct Response {
  int code = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the status line and headers go out at once and the body is
  // produced by this function, run on a dedicated thread (not the listener's
  // pool), sent chunked. `body` is ignored.
  std::function<void(StreamSink&)> stream;
};

// Handler for routes added with Server::AddRoutes. Called on the listener's
// thread pool: must not block for long (stream long responses instead).
using Handler = std::function<Response(const Request&)>;

}  // namespace berth::apiserver
