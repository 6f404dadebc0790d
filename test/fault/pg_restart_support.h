// Helpers of pg_restart_fault_test: a throwaway PostgreSQL cluster of the
// test's own (scripts/pg-cluster) that can be restarted, and a watch kept
// open the way a reflector keeps it (resume from the last resourceVersion,
// re-list on 410 Gone) over raw HTTP. Test-only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {

// The GpuNodes collection: a kind no controller writes.
inline constexpr const char* kGpuNodesPath = "/apis/berth.dev/v1alpha1/gpunodes";

inline int64_t Rv(const json& obj) {
  std::string rv = obj.value("metadata", json::object()).value("resourceVersion", "");
  return rv.empty() ? 0 : std::stoll(rv);
}

inline std::string Name(const json& obj) {
  return obj.value("metadata", json::object()).value("name", "");
}

// `cmd` through the shell; its stdout, and the exit code in `*code`.
inline std::string Shell(const std::string& cmd, int* code) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *code = -1;
    return out;
  }
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int st = ::pclose(p);
  *code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// A throwaway PostgreSQL cluster of this test's own (scripts/pg-cluster).
class PgCluster {
 public:
  ~PgCluster() {
    if (dir_.empty()) return;
    int code = 0;
    Shell(Script() + " stop " + dir_ + " 2>&1", &code);
  }

  std::optional<std::string> Start() {
    std::string bins =
        Shell("ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1", &code_);
    while (!bins.empty() && bins.back() == '\n') bins.pop_back();
    if (bins.empty()) return std::string("no PostgreSQL server binaries under /usr/lib/postgresql");
    pg_ctl_ = bins + "/pg_ctl";
    // Directly under /tmp: the postgres user must reach it.
    std::string tmpl = "/tmp/berth-fault-pg-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) return std::string("mkdtemp failed");
    dir_ = tmpl;
    std::string out = Shell(Script() + " start " + dir_ + " 2>&1", &code_);
    if (code_ != 0) return "scripts/pg-cluster start failed: " + out;
    std::string key = "export BERTH_TEST_PG_URL=";
    size_t at = out.find(key);
    if (at == std::string::npos) return "scripts/pg-cluster printed no URL: " + out;
    url_ = out.substr(at + key.size(), out.find('\n', at) - at - key.size());
    return std::nullopt;
  }

  // pg_ctl ARGS as the cluster's owner; true on exit 0.
  bool PgCtl(const std::string& args) {
    std::string as = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    std::string out = Shell(as + pg_ctl_ + " -D " + dir_ + "/data -l " + dir_ +
                                "/server.log -w -t 60 " + args + " 2>&1",
                            &code_);
    if (code_ != 0) ADD_FAILURE() << "pg_ctl " << args << ": " << out;
    return code_ == 0;
  }

  const std::string& url() const { return url_; }
  std::string ServerLog() const { return ReadFile(dir_ + "/server.log"); }

 private:
  static std::string Script() { return std::string(BERTH_SOURCE_DIR) + "/scripts/pg-cluster"; }
  std::string dir_, url_, pg_ctl_;
  int code_ = 0;
};

// A watch kept open as a reflector keeps it: list, watch from the list's
// resourceVersion, resume from the last version seen when the stream ends,
// list again on 410 Gone. Records every event and every (re)list. With
// `timeout_seconds`, each watch request asks the server to end the stream
// after that long (?timeoutSeconds=), so the watch is resumed again and
// again, also while the database is down and just after it is back.
class Reflector {
 public:
  struct Seen {
    std::string type, name;
    int64_t rv = 0;
  };
  Reflector(int port, std::string token, int timeout_seconds = 0)
      : port_(port), token_(std::move(token)), timeout_seconds_(timeout_seconds) {}
  ~Reflector() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool Watching() const { return watching_; }
  std::vector<Seen> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::map<std::string, int64_t> listed() const {
    std::lock_guard lock(mu_);
    return listed_;
  }
  int64_t last_rv() const { return last_rv_; }
  // Watch requests after the first one, each from the last version seen.
  int resumes() const { return resumes_; }
  // Of those, the ones the server did not answer with a stream (200): the
  // database or the server was down.
  int refused() const { return refused_; }
  // Lists after the first one (each after a 410 Gone).
  int relists() const { return relists_; }
  std::string notes() const {
    std::lock_guard lock(mu_);
    return notes_;
  }

 private:
  void Note(const std::string& s) {
    std::lock_guard lock(mu_);
    if (notes_.size() < 20000) notes_ += s + "\n";
  }

  bool List() {
    HttpResult r = Http(port_, "GET", kGpuNodesPath, token_);
    json j = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !j.is_object()) {
      Note("list: " + std::to_string(r.status) + " " + r.body.substr(0, 200));
      return false;
    }
    std::lock_guard lock(mu_);
    for (const json& item : j.value("items", json::array())) listed_[Name(item)] = Rv(item);
    last_rv_ = Rv(j);
    return true;
  }

  void Run() {
    bool need_list = true;
    bool first = true;
    while (!stop_) {
      if (need_list) {
        if (!List()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          continue;
        }
        if (!first) ++relists_;
        first = false;
        need_list = false;
      }
      int code = Watch();
      if (stop_) break;
      if (code == 410) need_list = true;
      ++resumes_;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // One watch request; returns 410 when the stream said Gone, else 0.
  int Watch() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{0, 250000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      Note("watch: cannot connect");
      ++refused_;
      return 0;
    }
    std::string query =
        "?watch=true&allowWatchBookmarks=true&resourceVersion=" + std::to_string(last_rv_.load());
    if (timeout_seconds_ > 0) query += "&timeoutSeconds=" + std::to_string(timeout_seconds_);
    std::string req = "GET " + std::string(kGpuNodesPath) + query +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                      "Authorization: Bearer " + token_ + "\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string raw, body;
    bool headers_done = false, chunked = false;
    int status = 0, result = 0;
    char buf[16384];
    while (!stop_) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        break;
      }
      raw.append(buf, static_cast<size_t>(n));
      if (!headers_done) {
        size_t end = raw.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        std::string head = ToLowerCopy(raw.substr(0, end));
        status = raw.size() > 12 ? std::atoi(raw.substr(9, 3).c_str()) : 0;
        chunked = head.find("transfer-encoding: chunked") != std::string::npos;
        raw.erase(0, end + 4);
        headers_done = true;
        if (status != 200) {
          Note("watch: HTTP " + std::to_string(status));
          ++refused_;
          if (status == 410) result = 410;
        } else {
          watching_ = true;
        }
      }
      if (chunked) {
        for (;;) {
          size_t eol = raw.find("\r\n");
          if (eol == std::string::npos) break;
          size_t len = std::stoul(raw.substr(0, eol), nullptr, 16);
          if (raw.size() < eol + 2 + len + 2) break;
          body += raw.substr(eol + 2, len);
          raw.erase(0, eol + 2 + len + 2);
        }
      } else {
        body += raw;
        raw.clear();
      }
      for (size_t nl; (nl = body.find('\n')) != std::string::npos;) {
        std::string line = body.substr(0, nl);
        body.erase(0, nl + 1);
        if (status != 200 || line.find_first_not_of(" \r\t") == std::string::npos) continue;
        json ev = json::parse(line, nullptr, false);
        if (!ev.is_object()) {
          Note("watch: not JSON: " + line.substr(0, 200));
          continue;
        }
        std::string type = ev.value("type", "");
        const json& obj = ev["object"];
        if (type == "ERROR") {
          Note("watch: ERROR " + obj.dump());
          if (obj.value("code", 0) == 410) result = 410;
          continue;
        }
        int64_t rv = Rv(obj);
        if (rv > 0) last_rv_ = rv;
        if (type == "BOOKMARK") continue;
        std::lock_guard lock(mu_);
        events_.push_back({type, Name(obj), rv});
      }
    }
    watching_ = false;
    ::close(fd);
    if (!stop_) Note("watch: stream ended (HTTP " + std::to_string(status) + ")");
    return result;
  }

  const int port_;
  const std::string token_;
  const int timeout_seconds_;
  std::atomic<bool> stop_{false}, watching_{false};
  std::atomic<int64_t> last_rv_{0};
  std::atomic<int> resumes_{0}, refused_{0}, relists_{0};
  mutable std::mutex mu_;
  std::vector<Seen> events_;
  std::map<std::string, int64_t> listed_;
  std::string notes_;
  std::thread thread_;
};

// The top-level JSON objects in `text` (a stream of pretty-printed objects).
inline std::vector<json> JsonObjects(const std::string& text) {
  std::vector<json> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' && depth++ == 0) start = i;
    if (c == '}' && --depth == 0) {
      json j = json::parse(text.substr(start, i - start + 1), nullptr, false);
      if (!j.is_discarded()) out.push_back(std::move(j));
    }
  }
  return out;
}

}  // namespace berth::e2e
