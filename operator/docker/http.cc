#include "operator/docker/http.h"

#include <curl/curl.h>

#include <mutex>

#include "operator/common/strings.h"

namespace berth::docker::internal {

struct HttpTransport::Handle {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  Handle() : easy(curl_easy_init()), multi(curl_multi_init()) {}
  ~Handle() {
    if (multi) curl_multi_cleanup(multi);
    if (easy) curl_easy_cleanup(easy);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

namespace {

constexpr long kPollMs = 50;  // cancellation latency while a transfer idles

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct WriteContext {
  CURL* easy;
  HttpResponse* response;
  const BodySink* sink;
  bool checked = false;
  bool pass = false;
};

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* ctx = static_cast<WriteContext*>(user);
  size_t len = size * n;
  if (!ctx->checked) {
    long code = 0;
    curl_easy_getinfo(ctx->easy, CURLINFO_RESPONSE_CODE, &code);
    ctx->checked = true;
    ctx->pass = ctx->sink && code >= 200 && code < 300;
  }
  if (ctx->pass) {
    if (!(*ctx->sink)(std::string_view(data, len))) {
      ctx->response->stopped = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return len;
  }
  ctx->response->body.append(data, len);
  return len;
}

Status MapCurlError(CURLcode code, const char* detail, const Endpoint& ep) {
  std::string what = std::string(curl_easy_strerror(code));
  if (detail && *detail) what += ": " + std::string(detail);
  std::string msg = "docker engine at " + ep.display + ": " + what;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE: return Status::Unavailable(msg);
    case CURLE_OPERATION_TIMEDOUT: return Status::Timeout(msg);
    default: return Status::Internal(msg);
  }
}

}  // namespace

Result<Endpoint> ParseEndpoint(const std::string& endpoint) {
  Endpoint ep;
  ep.display = endpoint;
  if (StartsWith(endpoint, "unix://")) {
    ep.unix_path = endpoint.substr(7);
  } else if (StartsWith(endpoint, "/")) {
    ep.unix_path = endpoint;
  } else if (StartsWith(endpoint, "tcp://") || StartsWith(endpoint, "http://")) {
    std::string hostport = endpoint.substr(endpoint.find("://") + 3);
    while (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
    if (hostport.empty() || hostport.find('/') != std::string::npos) {
      return Status::BadRequest("docker endpoint: expected tcp://host:port, got " + endpoint);
    }
    ep.base_url = "http://" + hostport;
    return ep;
  } else {
    return Status::BadRequest(
        "docker endpoint: unsupported (use unix:///path or tcp://host:port): " + endpoint);
  }
  if (ep.unix_path.empty() || ep.unix_path[0] != '/') {
    return Status::BadRequest("docker endpoint: unix socket path must be absolute: " + endpoint);
  }
  ep.base_url = "http://localhost";
  return ep;
}

HttpTransport::HttpTransport(Endpoint endpoint, CurlClientOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpTransport::~HttpTransport() = default;

std::unique_ptr<HttpTransport::Handle> HttpTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  return std::make_unique<Handle>();
}

void HttpTransport::Release(std::unique_ptr<Handle> handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.max_idle_handles) idle_.push_back(std::move(handle));
}

Result<HttpResponse> HttpTransport::Do(const HttpRequest& req, const BodySink* sink) {
  calls_.fetch_add(1, std::memory_order_relaxed);
  if (options_.on_request) options_.on_request();
  if (req.cancel && req.cancel->cancelled()) return Status::Cancelled("docker call cancelled");
  auto h = Acquire();
  if (!h->easy || !h->multi) return Status::Internal("curl: cannot allocate a handle");
  CURL* easy = h->easy;
  curl_easy_reset(easy);

  HttpResponse response;
  WriteContext ctx{easy, &response, sink};
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string url = endpoint_.base_url + req.path;

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add_header("Expect:");  // no 100-continue round trip for large bodies
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
    add_header("Content-Type: " + req.content_type);
  }
  for (const auto& line : req.headers) add_header(line);

  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  if (!endpoint_.unix_path.empty()) {
    curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, endpoint_.unix_path.c_str());
  } else {
    // A remote engine (GpuNode) can vanish silently; keepalive ends the
    // event stream instead of leaving it open forever.
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, 10L);
  }
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &ctx);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  auto timeout = req.timeout.count() < 0 ? options_.request_timeout : req.timeout;
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (req.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    if (req.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.method != "DELETE" || !req.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
  }

  CURLM* multi = h->multi;
  curl_multi_add_handle(multi, easy);
  bool cancelled = false;
  CURLcode result = CURLE_OK;
  for (;;) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi, &running);
    if (mc != CURLM_OK) {
      curl_multi_remove_handle(multi, easy);
      return Status::Internal(std::string("curl: ") + curl_multi_strerror(mc));
    }
    if (running == 0) break;
    if (req.cancel && req.cancel->cancelled()) {
      cancelled = true;
      break;
    }
    curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
  }
  if (!cancelled) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) result = msg->data.result;
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  }
  curl_multi_remove_handle(multi, easy);
  if (cancelled) return Status::Cancelled("docker call cancelled");  // handle dropped
  if (result == CURLE_WRITE_ERROR && response.stopped) {
    return response;  // the sink asked to stop; the connection is not reusable
  }
  if (result != CURLE_OK) return MapCurlError(result, errbuf, endpoint_);
  Release(std::move(h));
  return response;
}

std::string UrlEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Query& Query::Add(std::string_view key, std::string_view value) {
  if (value.empty()) return *this;
  out_ += out_.empty() ? "?" : "&";
  out_ += UrlEscape(key);
  out_ += "=";
  out_ += UrlEscape(value);
  return *this;
}

}  // namespace berth::docker::internal
