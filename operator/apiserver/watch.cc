// Watch streams: `?watch=true` (or the legacy /watch/ paths) answers 200 and
// then one JSON object per line, {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|
// ERROR","object":{...}}, as the kube-apiserver does. A resourceVersion that
// was compacted gives an ERROR event carrying a 410 Expired Status. Idle
// streams get a newline every heartbeat (JSON decoders skip whitespace); a
// failed write is how a vanished client is noticed.
#include <algorithm>
#include <chrono>
#include <memory>

#include "operator/apiserver/handlers.h"
#include "operator/apiserver/table.h"
#include "operator/common/strings.h"

namespace berth::apiserver {
namespace {

using api::Json;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Longest a stream waits before re-checking that its client is still there
// and the server is not stopping.
constexpr milliseconds kPollSlice{250};

struct WatchSpec {
  Request req;  // a copy: the stream outlives the handler call
  const api::KindInfo* kind = nullptr;
  bool table = false;
  IncludeObject include = IncludeObject::kMetadata;
  std::vector<PrinterColumn> columns;
  bool bookmarks = false;
  milliseconds timeout{0};
};

std::string Line(const char* type, Json object) {
  return Json{{"type", type}, {"object", std::move(object)}}.dump(-1, ' ', false,
                                                                  Json::error_handler_t::replace) +
         "\n";
}

Json EventObject(const Context& ctx, const WatchSpec& spec, const api::Object& obj) {
  Json shown = ForCaller(spec.req, obj);
  if (!spec.table) return shown;
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", obj.resource_version()}}},
          {"columnDefinitions", ColumnDefinitions(spec.columns)},
          {"rows",
           Json::array({TableRow(spec.columns, shown, spec.include, ctx.registry.clock().Now())})}};
}

Json Bookmark(const WatchSpec& spec, const std::string& rv) {
  return {{"kind", spec.kind->kind},
          {"apiVersion", api::kApiVersion},
          {"metadata", {{"resourceVersion", rv}}}};
}

// Counts the stream in /metrics for as long as it runs.
class OpenWatch {
 public:
  explicit OpenWatch(ApiMetrics& m) : m_(m) { m_.WatchOpened(); }
  ~OpenWatch() { m_.WatchClosed(); }
  OpenWatch(const OpenWatch&) = delete;
  OpenWatch& operator=(const OpenWatch&) = delete;

 private:
  ApiMetrics& m_;
};

void Pump(const Context& ctx, const WatchSpec& spec, registry::ObjectWatch& watch,
          StreamSink& sink) {
  const milliseconds heartbeat = ctx.options.watch_heartbeat;
  const milliseconds bookmark_every = ctx.options.bookmark_interval;
  const auto start = Steady::now();
  const auto deadline = start + spec.timeout;
  auto last_write = start;
  auto next_bookmark = start + bookmark_every;
  while (sink.Alive()) {
    auto now = Steady::now();
    if (now >= deadline) return;
    auto until = std::min({deadline, last_write + heartbeat, now + kPollSlice});
    if (spec.bookmarks) until = std::min(until, next_bookmark);
    auto wait = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(until - now));
    auto ev = watch.Next(wait);
    now = Steady::now();
    if (ev.ok()) {
      if (!sink.Write(Line(ev->type.c_str(), EventObject(ctx, spec, ev->object)))) return;
      last_write = now;
      continue;
    }
    switch (ev.status().code()) {
      case Code::kTimeout:
        if (spec.bookmarks && now >= next_bookmark) {
          if (!sink.Write(Line("BOOKMARK", Bookmark(spec, watch.Progress())))) return;
          next_bookmark = now + bookmark_every;
          last_write = now;
        } else if (now - last_write >= heartbeat) {
          if (!sink.Write("\n")) return;
          last_write = now;
        }
        continue;
      case Code::kCancelled: return;
      case Code::kGone:
        sink.Write(Line("ERROR", StatusJson(Status::Gone(
                                     "too old resource version: the watch fell behind; list "
                                     "again and watch from the new resourceVersion"))));
        return;
      default: sink.Write(Line("ERROR", StatusJson(ev.status()))); return;
    }
  }
}

}  // namespace

Response ServeWatch(const Context& ctx, const Request& req, const ResourcePath& path) {
  auto spec = std::make_shared<WatchSpec>();
  spec->req = req;
  spec->req.body.clear();
  spec->kind = path.kind;
  spec->table = WantsTable(req);
  if (spec->table) {
    auto include = ParseIncludeObject(req.Query("includeObject"));
    if (!include.ok()) return ErrorResponse(include.status());
    spec->include = *include;
    spec->columns = PrinterColumns(ctx.registry.catalog().Crd(path.kind->kind));
  }
  spec->bookmarks = req.QueryFlag("allowWatchBookmarks");
  spec->timeout = ctx.options.max_watch_duration;
  if (req.HasQuery("timeoutSeconds")) {
    long long secs = 0;
    if (!ParseInt64(req.Query("timeoutSeconds"), &secs) || secs < 0) {
      return ErrorResponse(Status::BadRequest("timeoutSeconds must be a non-negative integer"));
    }
    if (secs > 0) spec->timeout = std::min<milliseconds>(spec->timeout, std::chrono::seconds(secs));
  }

  registry::WatchOptions wopts;
  wopts.resource_version = req.Query("resourceVersion");
  wopts.label_selector = req.Query("labelSelector");
  wopts.field_selector = req.Query("fieldSelector");
  if (!path.name.empty()) {
    std::string by_name = "metadata.name=" + path.name;
    wopts.field_selector =
        wopts.field_selector.empty() ? by_name : wopts.field_selector + "," + by_name;
  }
  auto opened = ctx.registry.Watch(path.kind->kind, path.ns, wopts);
  std::shared_ptr<registry::ObjectWatch> watch;
  Status gone;
  if (opened.ok()) {
    watch = std::move(*opened);
  } else if (opened.status().code() == Code::kGone) {
    gone = opened.status();  // reported in the stream, as the kube-apiserver does
  } else {
    return ErrorResponse(opened.status(), SubjectOf(path));
  }

  Response r;
  r.code = 200;
  r.content_type = "application/json";
  const Context* c = &ctx;
  r.stream = [c, spec, watch, gone](StreamSink& sink) {
    OpenWatch counted(c->metrics);
    if (!watch) {
      sink.Write(Line("ERROR", StatusJson(gone)));
      return;
    }
    Pump(*c, *spec, *watch, sink);
    watch->Stop();
  };
  return r;
}

}  // namespace berth::apiserver
