// ApiClient: what the CLI commands need from the berth API server, as verbs
// over Kubernetes-shaped REST paths. HttpApiClient implements the verbs over a
// Transport (libcurl in production, a fake in tests).
//
// Every failure is a Status: the server's own Status body decoded (code from
// its reason, message, field causes), Unavailable when the server cannot be
// reached, Timeout when a deadline passed. Not thread-safe: one per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::cli {

using Deadline = std::optional<std::chrono::steady_clock::time_point>;

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // "/apis/berth.dev/v1alpha1/namespaces/default/stacks"
  std::vector<std::pair<std::string, std::string>> query;  // escaped by the transport
  std::string body;
  std::string content_type;  // sent when body is not empty
  Deadline deadline;         // the request fails with Timeout once it passes
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Moves bytes. Implementations return any HTTP status as a response; only
// transport failures (connect, TLS, deadline) are errors.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  // Streams a 2xx body to `on_data` as it arrives; `on_data` returns false to
  // stop (not an error). A non-2xx body is collected into the response.
  virtual Result<HttpResponse> Stream(const HttpRequest& request,
                                      const std::function<bool(std::string_view)>& on_data) = 0;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;  // the client follows `continue` until the list is whole
};

struct ObjectList {
  std::vector<api::Object> items;
  std::string resource_version;  // of the list, to start a watch from
};

struct WriteOptions {
  bool dry_run = false;  // ?dryRun=All
};

enum class PatchType { kMerge, kJson, kApply };

struct DeleteOptions {
  bool dry_run = false;
  std::string propagation_policy;  // Background, Foreground, Orphan; empty: server default
};

struct WatchOptions {
  std::string resource_version;
  std::string label_selector;
  std::string field_selector;
  int timeout_seconds = 0;  // asks the server to end the stream; 0: server default
  Deadline deadline;        // the client gives up (Timeout) once it passes
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK
  api::Object object;
};

class ApiClient {
 public:
  virtual ~ApiClient() = default;

  // `ns` is ignored for cluster-scoped kinds; an empty `ns` lists all namespaces.
  virtual Result<api::Object> Get(const api::KindInfo& kind, const std::string& ns,
                                  const std::string& name) = 0;
  virtual Result<ObjectList> List(const api::KindInfo& kind, const std::string& ns,
                                  const ListOptions& options) = 0;
  virtual Result<api::Object> Create(const api::KindInfo& kind, const std::string& ns,
                                     const api::Object& object, const WriteOptions& options) = 0;
  // PUT of the whole object (or of its /status when `status` is true); the
  // object's resourceVersion makes it conditional (Conflict when stale).
  virtual Result<api::Object> Update(const api::KindInfo& kind, const std::string& ns,
                                     const api::Object& object, const WriteOptions& options,
                                     bool status = false) = 0;
  virtual Result<api::Object> Patch(const api::KindInfo& kind, const std::string& ns,
                                    const std::string& name, PatchType type,
                                    const std::string& body, const WriteOptions& options) = 0;
  // Returns the object as the server reports it after the request (it may
  // still exist, with a deletionTimestamp, until its finalizers are gone).
  virtual Result<api::Json> Delete(const api::KindInfo& kind, const std::string& ns,
                                   const std::string& name, const DeleteOptions& options) = 0;
  // Streams watch events to `on_event` (false stops). Returns OK when the
  // server ends the stream or `on_event` stops it; Gone when the
  // resourceVersion was compacted (re-list and start again).
  virtual Status Watch(const api::KindInfo& kind, const std::string& ns,
                       const WatchOptions& options,
                       const std::function<bool(const WatchEvent&)>& on_event) = 0;

  // Any other endpoint (discovery, /version, /auth/v1/tokens, logs): the 2xx
  // response, or the decoded error.
  virtual Result<HttpResponse> Raw(const HttpRequest& request) = 0;
  // Streams a 2xx body line by line (without the '\n'); a last line without
  // a newline is delivered at the end. `on_line` returns false to stop.
  virtual Status RawLines(const HttpRequest& request,
                          const std::function<bool(std::string_view)>& on_line) = 0;
};

// "/apis/berth.dev/v1alpha1[/namespaces/NS]/PLURAL[/NAME[/SUB]]".
std::string ResourcePath(const api::KindInfo& kind, const std::string& ns,
                         const std::string& name = "", const std::string& subresource = "");

// Decodes an error response: a Kubernetes Status body when there is one
// (code from reason or HTTP status, message, details.causes), otherwise the
// HTTP status and the start of the body.
Status DecodeErrorResponse(long http_status, std::string_view body);

// Splits a byte stream into lines for RawLines/Watch. Feed() returns false
// once a callback asked to stop; Finish() delivers a trailing partial line.
class LineSplitter {
 public:
  explicit LineSplitter(std::function<bool(std::string_view)> on_line)
      : on_line_(std::move(on_line)) {}
  bool Feed(std::string_view data);
  bool Finish();

 private:
  std::function<bool(std::string_view)> on_line_;
  std::string pending_;
  bool stopped_ = false;
};

// The verbs over a Transport. `token_hint` is appended to 401 errors (e.g.
// where a token can be given), so users see what to do.
class HttpApiClient final : public ApiClient {
 public:
  HttpApiClient(std::unique_ptr<Transport> transport, std::string unauthorized_hint)
      : transport_(std::move(transport)), unauthorized_hint_(std::move(unauthorized_hint)) {}

  Result<api::Object> Get(const api::KindInfo& kind, const std::string& ns,
                          const std::string& name) override;
  Result<ObjectList> List(const api::KindInfo& kind, const std::string& ns,
                          const ListOptions& options) override;
  Result<api::Object> Create(const api::KindInfo& kind, const std::string& ns,
                             const api::Object& object, const WriteOptions& options) override;
  Result<api::Object> Update(const api::KindInfo& kind, const std::string& ns,
                             const api::Object& object, const WriteOptions& options,
                             bool status) override;
  Result<api::Object> Patch(const api::KindInfo& kind, const std::string& ns,
                            const std::string& name, PatchType type, const std::string& body,
                            const WriteOptions& options) override;
  Result<api::Json> Delete(const api::KindInfo& kind, const std::string& ns,
                           const std::string& name, const DeleteOptions& options) override;
  Status Watch(const api::KindInfo& kind, const std::string& ns, const WatchOptions& options,
               const std::function<bool(const WatchEvent&)>& on_event) override;
  Result<HttpResponse> Raw(const HttpRequest& request) override;
  Status RawLines(const HttpRequest& request,
                  const std::function<bool(std::string_view)>& on_line) override;

 private:
  Result<api::Json> SendJson(const HttpRequest& request);
  Status Error(long http_status, std::string_view body) const;

  std::unique_ptr<Transport> transport_;
  std::string unauthorized_hint_;
};

}  // namespace berth::cli
