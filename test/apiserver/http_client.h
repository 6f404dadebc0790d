// A small libcurl HTTP client for tests of the API server: one-shot requests
// and watch streams read on a background thread. Test-only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace berth::testing {

using Json = nlohmann::json;

struct HttpResult {
  long code = 0;  // 0: the request failed (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;
  // The body as JSON (null when it is not JSON).
  Json json() const;
};

struct HttpOptions {
  std::string token;
  std::string ca_file;    // trust this CA (PEM) for https
  bool insecure = false;  // skip TLS verification
  long timeout_ms = 30000;
};

class HttpClient {
 public:
  HttpClient(std::string base_url, HttpOptions options = {});

  HttpResult Do(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& content_type = "application/json",
                const std::vector<std::string>& headers = {}) const;
  HttpResult Get(const std::string& path, const std::vector<std::string>& headers = {}) const {
    return Do("GET", path, "", "", headers);
  }
  HttpResult Post(const std::string& path, const Json& body) const {
    return Do("POST", path, body.dump());
  }
  HttpResult Put(const std::string& path, const Json& body) const {
    return Do("PUT", path, body.dump());
  }
  HttpResult Patch(const std::string& path, const std::string& body,
                   const std::string& content_type = "application/merge-patch+json") const {
    return Do("PATCH", path, body, content_type);
  }
  HttpResult Delete(const std::string& path, const std::string& body = "") const {
    return Do("DELETE", path, body);
  }
  const std::string& base_url() const { return base_; }

 private:
  std::string base_;
  HttpOptions options_;
};

// A streaming GET (a watch) read on its own thread, one line at a time.
class WatchStream {
 public:
  WatchStream(std::string url, HttpOptions options, std::vector<std::string> headers = {});
  ~WatchStream();  // Close()s
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // The next non-empty line parsed as JSON, waiting up to `timeout`; nullopt
  // when none came (or the stream ended).
  std::optional<Json> Next(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Drops the connection (as a client that goes away) and joins the thread.
  void Close();
  // True once the server ended the response.
  bool Ended() const { return ended_; }
  long code() const { return code_; }
  // Newline-only lines seen (heartbeats).
  int blank_lines() const { return blank_lines_; }

 private:
  static size_t OnData(char* ptr, size_t size, size_t n, void* self);
  static int OnProgress(void* self, long long, long long, long long, long long);

  std::string url_;
  HttpOptions options_;
  std::vector<std::string> headers_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> ended_{false};
  std::atomic<long> code_{0};
  std::atomic<int> blank_lines_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::string partial_;
  std::deque<std::string> lines_;
  std::thread thread_;
};

}  // namespace berth::testing
