#include "operator/cli/api_client.h"

#include <map>

#include "operator/api/codec.h"

namespace berth::cli {
namespace {

using api::Json;

void WriteQuery(const WriteOptions& o, HttpRequest* r) {
  if (o.dry_run) r->query.emplace_back("dryRun", "All");
}

Code CodeForReason(std::string_view reason, long http_status) {
  static const std::map<std::string_view, Code> kByReason = {
      {"Invalid", Code::kInvalid},
      {"BadRequest", Code::kBadRequest},
      {"Unauthorized", Code::kUnauthorized},
      {"Forbidden", Code::kForbidden},
      {"NotFound", Code::kNotFound},
      {"AlreadyExists", Code::kAlreadyExists},
      {"Conflict", Code::kConflict},
      {"Gone", Code::kGone},
      {"Expired", Code::kGone},
      {"TooManyRequests", Code::kResourceExhausted},
      {"ServiceUnavailable", Code::kUnavailable},
      {"Timeout", Code::kTimeout},
      {"InternalError", Code::kInternal},
  };
  if (auto it = kByReason.find(reason); it != kByReason.end()) return it->second;
  switch (http_status) {
    case 400: return Code::kBadRequest;
    case 401: return Code::kUnauthorized;
    case 403: return Code::kForbidden;
    case 404: return Code::kNotFound;
    case 409: return Code::kConflict;
    case 410: return Code::kGone;
    case 422: return Code::kInvalid;
    case 429: return Code::kResourceExhausted;
    case 503: return Code::kUnavailable;
    case 504: return Code::kTimeout;
    default: return Code::kInternal;
  }
}

std::string StrField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A Status object (as JSON) into a berth Status.
Status StatusFromJson(const Json& j, long http_status) {
  if (j.contains("code") && j["code"].is_number_integer()) http_status = j["code"].get<long>();
  Code code = CodeForReason(StrField(j, "reason"), http_status);
  std::string message = StrField(j, "message");
  if (message.empty()) message = "the server responded with HTTP " + std::to_string(http_status);
  std::vector<FieldCause> causes;
  if (auto d = j.find("details"); d != j.end() && d->is_object()) {
    if (auto c = d->find("causes"); c != d->end() && c->is_array()) {
      for (const Json& cause : *c) {
        if (!cause.is_object()) continue;
        FieldCause fc{StrField(cause, "field"), StrField(cause, "message"),
                      StrField(cause, "reason")};
        if (fc.reason.empty()) fc.reason = "FieldValueInvalid";
        causes.push_back(std::move(fc));
      }
    }
  }
  if (code == Code::kInvalid) return Status::Invalid(std::move(message), std::move(causes));
  return Status(code, std::move(message));
}

}  // namespace

std::string ResourcePath(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                         const std::string& subresource) {
  std::string p = "/apis/";
  p += api::kGroup;
  p += "/";
  p += api::kVersion;
  if (kind.namespaced && !ns.empty()) p += "/namespaces/" + ns;
  p += "/" + kind.plural;
  if (!name.empty()) p += "/" + name;
  if (!subresource.empty()) p += "/" + subresource;
  return p;
}

Status DecodeErrorResponse(long http_status, std::string_view body) {
  auto parsed = api::ParseJson(body);
  if (parsed.ok() && parsed->is_object() && StrField(*parsed, "kind") == "Status") {
    return StatusFromJson(*parsed, http_status);
  }
  std::string text(body.substr(0, 300));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::string message = "the server responded with HTTP " + std::to_string(http_status);
  if (!text.empty()) message += ": " + text;
  return Status(CodeForReason("", http_status), std::move(message));
}

bool LineSplitter::Feed(std::string_view data) {
  if (stopped_) return false;
  pending_.append(data);
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(pending_.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!on_line_(line)) {
      stopped_ = true;
      pending_.clear();
      return false;
    }
  }
  pending_.erase(0, start);
  return true;
}

bool LineSplitter::Finish() {
  if (stopped_) return false;
  if (!pending_.empty()) {
    std::string last = std::move(pending_);
    pending_.clear();
    if (!on_line_(last)) stopped_ = true;
  }
  return !stopped_;
}

Status HttpApiClient::Error(long http_status, std::string_view body) const {
  Status s = DecodeErrorResponse(http_status, body);
  if (s.code() == Code::kUnauthorized && !unauthorized_hint_.empty()) {
    return Status::Unauthorized(s.message() + " (" + unauthorized_hint_ + ")");
  }
  if (s.code() == Code::kForbidden && s.message().rfind("Forbidden", 0) != 0) {
    return Status::Forbidden("Forbidden: " + s.message());  // as kubectl shows the reason
  }
  return s;
}

Result<HttpResponse> HttpApiClient::Raw(const HttpRequest& request) {
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, transport_->Send(request));
  if (resp.status < 200 || resp.status > 299) return Error(resp.status, resp.body);
  return resp;
}

Result<Json> HttpApiClient::SendJson(const HttpRequest& request) {
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, Raw(request));
  auto j = api::ParseJson(resp.body);
  if (!j.ok()) {
    return Status::Internal("the server sent a response that is not JSON: " + j.status().message());
  }
  return std::move(j).value();
}

Status HttpApiClient::RawLines(const HttpRequest& request,
                               const std::function<bool(std::string_view)>& on_line) {
  LineSplitter splitter(on_line);
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, transport_->Stream(request, [&](std::string_view data) {
    return splitter.Feed(data);
  }));
  if (resp.status < 200 || resp.status > 299) return Error(resp.status, resp.body);
  splitter.Finish();
  return Status::Ok();
}

Result<api::Object> HttpApiClient::Get(const api::KindInfo& kind, const std::string& ns,
                                       const std::string& name) {
  HttpRequest r;
  r.path = ResourcePath(kind, ns, name);
  BERTH_ASSIGN_OR_RETURN(Json j, SendJson(r));
  return api::Object(std::move(j));
}

Result<ObjectList> HttpApiClient::List(const api::KindInfo& kind, const std::string& ns,
                                       const ListOptions& options) {
  ObjectList out;
  std::string cont;
  do {
    HttpRequest r;
    r.path = ResourcePath(kind, ns);
    if (!options.label_selector.empty())
      r.query.emplace_back("labelSelector", options.label_selector);
    if (!options.field_selector.empty())
      r.query.emplace_back("fieldSelector", options.field_selector);
    if (options.page_size > 0) r.query.emplace_back("limit", std::to_string(options.page_size));
    if (!cont.empty()) r.query.emplace_back("continue", cont);
    BERTH_ASSIGN_OR_RETURN(Json j, SendJson(r));
    if (auto items = j.find("items"); items != j.end() && items->is_array()) {
      for (Json& item : *items) {
        api::Object o(std::move(item));
        // Lists may omit apiVersion/kind on items, as Kubernetes does.
        if (o.kind().empty()) o.json()["kind"] = kind.kind;
        if (o.api_version().empty()) o.json()["apiVersion"] = std::string(api::kApiVersion);
        out.items.push_back(std::move(o));
      }
    }
    const Json& meta = j.contains("metadata") ? j["metadata"] : Json::object();
    out.resource_version = StrField(meta, "resourceVersion");
    cont = StrField(meta, "continue");
  } while (!cont.empty());
  return out;
}

Result<api::Object> HttpApiClient::Create(const api::KindInfo& kind, const std::string& ns,
                                          const api::Object& object, const WriteOptions& options) {
  HttpRequest r;
  r.method = "POST";
  r.path = ResourcePath(kind, ns);
  WriteQuery(options, &r);
  r.body = object.json().dump();
  r.content_type = "application/json";
  BERTH_ASSIGN_OR_RETURN(Json j, SendJson(r));
  return api::Object(std::move(j));
}

Result<api::Object> HttpApiClient::Update(const api::KindInfo& kind, const std::string& ns,
                                          const api::Object& object, const WriteOptions& options,
                                          bool status) {
  HttpRequest r;
  r.method = "PUT";
  r.path = ResourcePath(kind, ns, object.name(), status ? "status" : "");
  WriteQuery(options, &r);
  r.body = object.json().dump();
  r.content_type = "application/json";
  BERTH_ASSIGN_OR_RETURN(Json j, SendJson(r));
  return api::Object(std::move(j));
}

Result<api::Object> HttpApiClient::Patch(const api::KindInfo& kind, const std::string& ns,
                                         const std::string& name, PatchType type,
                                         const std::string& body, const WriteOptions& options) {
  HttpRequest r;
  r.method = "PATCH";
  r.path = ResourcePath(kind, ns, name);
  WriteQuery(options, &r);
  r.body = body;
  switch (type) {
    case PatchType::kMerge: r.content_type = "application/merge-patch+json"; break;
    case PatchType::kJson: r.content_type = "application/json-patch+json"; break;
    case PatchType::kApply: r.content_type = "application/apply-patch+yaml"; break;
  }
  BERTH_ASSIGN_OR_RETURN(Json j, SendJson(r));
  return api::Object(std::move(j));
}

Result<Json> HttpApiClient::Delete(const api::KindInfo& kind, const std::string& ns,
                                   const std::string& name, const DeleteOptions& options) {
  HttpRequest r;
  r.method = "DELETE";
  r.path = ResourcePath(kind, ns, name);
  if (options.dry_run) r.query.emplace_back("dryRun", "All");
  if (!options.propagation_policy.empty()) {
    r.query.emplace_back("propagationPolicy", options.propagation_policy);
  }
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, Raw(r));
  auto j = api::ParseJson(resp.body);
  return j.ok() ? std::move(j).value() : Json::object();
}

Status HttpApiClient::Watch(const api::KindInfo& kind, const std::string& ns,
                            const WatchOptions& options,
                            const std::function<bool(const WatchEvent&)>& on_event) {
  HttpRequest r;
  r.path = ResourcePath(kind, ns);
  r.query.emplace_back("watch", "true");
  r.query.emplace_back("allowWatchBookmarks", "true");
  if (!options.resource_version.empty()) {
    r.query.emplace_back("resourceVersion", options.resource_version);
  }
  if (!options.label_selector.empty())
    r.query.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty())
    r.query.emplace_back("fieldSelector", options.field_selector);
  if (options.timeout_seconds > 0) {
    r.query.emplace_back("timeoutSeconds", std::to_string(options.timeout_seconds));
  }
  r.deadline = options.deadline;
  Status stream_error;
  Status st = RawLines(r, [&](std::string_view line) {
    if (line.empty()) return true;
    auto j = api::ParseJson(line);
    if (!j.ok() || !j->is_object()) {
      stream_error = Status::Internal("the server sent a watch event that is not JSON: " +
                                      std::string(line.substr(0, 200)));
      return false;
    }
    WatchEvent ev{StrField(*j, "type"), api::Object((*j)["object"])};
    if (ev.type == "ERROR") {
      stream_error = StatusFromJson(ev.object.json(), 500);
      return false;
    }
    return on_event(ev);
  });
  BERTH_RETURN_IF_ERROR(st);
  return stream_error;
}

}  // namespace berth::cli
