#include "test/apiserver/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace berth::testing {
namespace {

size_t AppendBody(char* ptr, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(ptr, size * n);
  return size * n;
}

size_t AppendHeader(char* ptr, size_t size, size_t n, void* out) {
  std::string line(ptr, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
      value.erase(0, 1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
      value.pop_back();
    }
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

curl_slist* Headers(const HttpOptions& o, const std::vector<std::string>& extra) {
  curl_slist* list = nullptr;
  if (!o.token.empty())
    list = curl_slist_append(list, ("Authorization: Bearer " + o.token).c_str());
  for (const std::string& h : extra) list = curl_slist_append(list, h.c_str());
  return list;
}

void ApplyTls(CURL* c, const HttpOptions& o) {
  if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
  if (o.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

}  // namespace

Json HttpResult::json() const {
  Json j = Json::parse(body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

HttpClient::HttpClient(std::string base_url, HttpOptions options)
    : base_(std::move(base_url)), options_(std::move(options)) {}

HttpResult HttpClient::Do(const std::string& method, const std::string& path,
                          const std::string& body, const std::string& content_type,
                          const std::vector<std::string>& headers) const {
  HttpResult res;
  CURL* c = curl_easy_init();
  std::vector<std::string> all = headers;
  if (!content_type.empty() && !body.empty()) all.push_back("Content-Type: " + content_type);
  curl_slist* list = Headers(options_, all);
  std::string url = base_ + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &res.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  ApplyTls(c, options_);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res.code);
  } else {
    res.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return res;
}

WatchStream::WatchStream(std::string url, HttpOptions options, std::vector<std::string> headers)
    : url_(std::move(url)), options_(std::move(options)), headers_(std::move(headers)) {
  thread_ = std::thread([this] {
    CURL* c = curl_easy_init();
    curl_slist* list = Headers(options_, headers_);
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    ApplyTls(c, options_);
    curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    code_ = code;
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    std::lock_guard lock(mu_);
    ended_ = true;
    cv_.notify_all();
  });
}

WatchStream::~WatchStream() {
  Close();
}

size_t WatchStream::OnData(char* ptr, size_t size, size_t n, void* self_ptr) {
  auto* self = static_cast<WatchStream*>(self_ptr);
  if (self->closing_) return 0;  // aborts the transfer: the client "goes away"
  std::lock_guard lock(self->mu_);
  self->partial_.append(ptr, size * n);
  size_t nl;
  while ((nl = self->partial_.find('\n')) != std::string::npos) {
    std::string line = self->partial_.substr(0, nl);
    self->partial_.erase(0, nl + 1);
    if (line.find_first_not_of(" \r\t") == std::string::npos) {
      ++self->blank_lines_;
    } else {
      self->lines_.push_back(std::move(line));
    }
  }
  self->cv_.notify_all();
  return size * n;
}

int WatchStream::OnProgress(void* self_ptr, long long, long long, long long, long long) {
  return static_cast<WatchStream*>(self_ptr)->closing_ ? 1 : 0;
}

std::optional<Json> WatchStream::Next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return !lines_.empty() || ended_; });
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded()) return Json{{"unparsed", line}};
  return j;
}

void WatchStream::Close() {
  closing_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace berth::testing
