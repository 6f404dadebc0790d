#include "operator/cli/curl_transport.h"

#include <curl/curl.h>

#include <functional>

namespace berth::cli {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// State shared with libcurl's callbacks for one request.
struct Exchange {
  CURL* curl = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // null: buffer all
  std::string body;
  bool stopped = false;  // on_data asked to stop
  Deadline deadline;
  bool timed_out = false;
};

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t len = size * n;
  if (ex->on_data != nullptr) {
    long code = 0;
    curl_easy_getinfo(ex->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code <= 299) {
      if (!(*ex->on_data)(std::string_view(data, len))) {
        ex->stopped = true;
        return 0;  // makes libcurl abort the transfer
      }
      return len;
    }
  }
  ex->body.append(data, len);
  return len;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ex = static_cast<Exchange*>(user);
  if (ex->deadline && std::chrono::steady_clock::now() >= *ex->deadline) {
    ex->timed_out = true;
    return 1;  // abort
  }
  return 0;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TransportOptions options) : options_(std::move(options)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl_.reset(curl_easy_init());
    while (!options_.server.empty() && options_.server.back() == '/') options_.server.pop_back();
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    return Perform(request, nullptr);
  }

  Result<HttpResponse> Stream(const HttpRequest& request,
                              const std::function<bool(std::string_view)>& on_data) override {
    return Perform(request, &on_data);
  }

 private:
  std::string Url(const HttpRequest& r) {
    std::string url = options_.server + r.path;
    char sep = '?';
    for (const auto& [k, v] : r.query) {
      char* ek = curl_easy_escape(curl_.get(), k.c_str(), static_cast<int>(k.size()));
      char* ev = curl_easy_escape(curl_.get(), v.c_str(), static_cast<int>(v.size()));
      url += sep;
      url += ek;
      url += '=';
      url += ev;
      curl_free(ek);
      curl_free(ev);
      sep = '&';
    }
    return url;
  }

  Result<HttpResponse> Perform(const HttpRequest& r,
                               const std::function<bool(std::string_view)>* on_data) {
    if (!curl_) return Status::Internal("libcurl could not be initialised");
    CURL* c = curl_.get();
    curl_easy_reset(c);
    const std::string url = Url(r);
    Exchange ex;
    ex.curl = c;
    ex.on_data = on_data;
    ex.deadline = r.deadline;

    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add = [&](const std::string& h) {
      headers.reset(curl_slist_append(headers.release(), h.c_str()));
    };
    add("Accept: application/json");
    add("Expect:");
    add("User-Agent: berth-cli");
    if (!options_.token.empty()) add("Authorization: Bearer " + options_.token);
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      add("Content-Type: " + (r.content_type.empty() ? "application/json" : r.content_type));
    }

    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count() * 1000));
    if (on_data == nullptr && !r.deadline) {
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                       static_cast<long>(options_.request_timeout.count() * 1000));
    }
    if (r.method != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnWrite);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &ex);
    if (options_.insecure_skip_tls_verify) {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!options_.certificate_authority.empty()) {
      curl_easy_setopt(c, CURLOPT_CAINFO, options_.certificate_authority.c_str());
    }

    auto start = std::chrono::steady_clock::now();
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    Log(r.method, url, rc, code, std::chrono::steady_clock::now() - start);

    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && ex.stopped)) {
      if (ex.timed_out || rc == CURLE_OPERATION_TIMEDOUT) {
        if (on_data != nullptr && ex.timed_out) return Status::Timeout("deadline exceeded");
        return Status::Timeout("request to " + options_.server + " timed out");
      }
      std::string why = errbuf[0] != 0 ? errbuf : curl_easy_strerror(rc);
      std::string msg = "cannot reach the berth server at " + options_.server + ": " + why;
      if (rc == CURLE_COULDNT_CONNECT) msg += " (is `berth serve` running there?)";
      if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
          rc == CURLE_SSL_CONNECT_ERROR) {
        msg += " (see --certificate-authority and --insecure-skip-tls-verify)";
      }
      return Status::Unavailable(msg);
    }
    return HttpResponse{code, std::move(ex.body)};
  }

  void Log(const std::string& method, const std::string& url, CURLcode rc, long code,
           std::chrono::steady_clock::duration took) {
    if (options_.verbosity <= 0 || options_.log == nullptr) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
    *options_.log << "I " << method << " " << url << " ";
    if (rc == CURLE_OK || code != 0) {
      *options_.log << code;
    } else {
      *options_.log << "failed: " << curl_easy_strerror(rc);
    }
    *options_.log << " in " << ms << " ms\n";
    options_.log->flush();
  }

  TransportOptions options_;
  std::unique_ptr<CURL, CurlDeleter> curl_;
};

}  // namespace

std::unique_ptr<Transport> NewCurlTransport(TransportOptions options) {
  return std::make_unique<CurlTransport>(std::move(options));
}

}  // namespace berth::cli
