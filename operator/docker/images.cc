// Images: inspect, pull (streamed progress, registry auth), tag, remove.
#include <string>

#include "operator/docker/curl_client.h"
#include "operator/docker/engine_json.h"
#include "operator/docker/stream_codec.h"

namespace berth::docker::internal {

using nlohmann::json;

namespace {

// "host:5000/a/b:tag" -> ("host:5000/a/b", "tag"); a digest ("@sha256:…") stays
// in the name. The tag is after the last ':' that follows the last '/'.
void SplitImage(const std::string& image, std::string* repo, std::string* tag) {
  if (image.find('@') != std::string::npos) {
    *repo = image;
    tag->clear();
    return;
  }
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    *repo = image.substr(0, colon);
    *tag = image.substr(colon + 1);
  } else {
    *repo = image;
    *tag = "latest";
  }
}

// Image references keep their '/', ':' and '@' in the URL path (the engine
// routes /images/{name:.*}/…); anything else unusual is escaped.
std::string ImagePath(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '/' || c == ':' || c == '@') {
      out.push_back(c);
    } else {
      out += UrlEscape(std::string_view(&c, 1));
    }
  }
  return out;
}

}  // namespace

Result<ImageInfo> CurlDockerClient::InspectImage(const std::string& name) {
  BERTH_ASSIGN_OR_RETURN(json j, Json("GET", "/images/" + ImagePath(name) + "/json"));
  return DecodeImage(j);
}

Status CurlDockerClient::PullImage(const std::string& image, const RegistryAuth* auth,
                                   const PullCallback& progress, std::chrono::milliseconds timeout,
                                   const CancelToken* cancel) {
  std::string repo, tag;
  SplitImage(image, &repo, &tag);
  HttpRequest req;
  req.method = "POST";
  req.path = "/images/create" + Query().Add("fromImage", repo).Add("tag", tag).str();
  req.timeout = timeout;
  req.cancel = cancel;
  if (auth) req.headers.push_back("X-Registry-Auth: " + EncodeRegistryAuth(*auth));

  // The engine answers 200 first and reports failures as an error line.
  Status stream_error;
  LineSplitter lines([&](std::string_view line) {
    json j;
    try {
      j = json::parse(line);
    } catch (const std::exception&) {
      return true;  // not a JSON line: ignore it, as the docker CLI does
    }
    auto p = DecodePullLine(j);
    if (!p.ok()) {
      stream_error = p.status().Prefixed("pulling " + image);
      return false;
    }
    if (progress) progress(*p);
    return true;
  });
  BodySink sink = [&](std::string_view chunk) { return lines.Feed(chunk); };
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req), &sink));
  if (resp.status < 200 || resp.status >= 300) {
    return StatusFromHttp(resp.status, resp.body).Prefixed("pulling " + image);
  }
  if (!resp.stopped) lines.Flush();
  return stream_error;
}

Status CurlDockerClient::TagImage(const std::string& source, const std::string& repo,
                                  const std::string& tag) {
  std::string path =
      "/images/" + ImagePath(source) + "/tag" + Query().Add("repo", repo).Add("tag", tag).str();
  return NoContent("POST", path);
}

Status CurlDockerClient::RemoveImage(const std::string& name, bool force) {
  return NoContent("DELETE",
                   "/images/" + ImagePath(name) + Query().Add("force", force ? "1" : "").str());
}

}  // namespace berth::docker::internal
