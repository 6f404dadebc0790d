// The /events stream: one JSON object per line, for as long as it stays open.
#include <string>

#include "operator/docker/curl_client.h"
#include "operator/docker/engine_json.h"
#include "operator/docker/stream_codec.h"

namespace berth::docker::internal {

using nlohmann::json;

Status CurlDockerClient::StreamEvents(const EventsOptions& options, const EventCallback& cb,
                                      const CancelToken& cancel) {
  HttpRequest req;
  req.path = "/events" + Query()
                             .Add("since", options.since)
                             .Add("until", options.until)
                             .Add("filters", EncodeFilters(options.filters))
                             .str();
  req.timeout = std::chrono::milliseconds(0);
  req.cancel = &cancel;

  Status decode_error;
  LineSplitter lines([&](std::string_view line) {
    json j;
    try {
      j = json::parse(line);
    } catch (const std::exception& e) {
      decode_error = Status::Internal(std::string("docker engine: bad event line: ") + e.what());
      return false;
    }
    auto event = DecodeEvent(j);
    if (!event.ok()) {
      decode_error = event.status();
      return false;
    }
    return cb(*event);
  });
  BodySink sink = [&](std::string_view chunk) { return lines.Feed(chunk); };
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req), &sink));
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  if (!decode_error.ok()) return decode_error;
  if (resp.stopped) return Status::Ok();
  if (!lines.Flush()) return decode_error.ok() ? Status::Ok() : decode_error;
  // The engine closes the stream only at `until` or when it shuts down.
  if (!options.until.empty()) return Status::Ok();
  return Status::Unavailable("docker engine closed the event stream");
}

}  // namespace berth::docker::internal
