// Engine API response JSON -> berth's Docker value types.
#include <exception>
#include <string>

#include "operator/common/strings.h"
#include "operator/docker/engine_json.h"

namespace berth::docker {
namespace {

using nlohmann::json;

// Null-tolerant field readers: the engine writes null for empty maps/lists.
const json* Field(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}
std::string Str(const json& j, const char* key) {
  const json* f = Field(j, key);
  return f && f->is_string() ? f->get<std::string>() : std::string();
}
int64_t Int(const json& j, const char* key) {
  const json* f = Field(j, key);
  return f && f->is_number() ? f->get<int64_t>() : 0;
}
bool Bool(const json& j, const char* key) {
  const json* f = Field(j, key);
  return f && f->is_boolean() && f->get<bool>();
}
std::vector<std::string> StrVec(const json& j, const char* key) {
  std::vector<std::string> out;
  const json* f = Field(j, key);
  if (!f) return out;
  if (f->is_string()) return {f->get<std::string>()};
  if (!f->is_array()) return out;
  for (const auto& v : *f) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}
std::map<std::string, std::string> StrMap(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  const json* f = Field(j, key);
  if (!f || !f->is_object()) return out;
  for (const auto& [k, v] : f->items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}
const json& Obj(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json* f = Field(j, key);
  return f && f->is_object() ? *f : kEmpty;
}
// "0001-01-01T00:00:00Z" is Go's zero time: the engine's "never".
std::string Time(const json& j, const char* key) {
  std::string t = Str(j, key);
  return StartsWith(t, "0001-01-01") ? std::string() : t;
}
std::string StripSlash(std::string name) {
  if (!name.empty() && name[0] == '/') name.erase(0, 1);
  return name;
}

template <typename F>
auto Guard(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected engine response for ") + what + ": " +
                            e.what());
  }
}

ContainerState DecodeState(const json& s) {
  ContainerState st;
  st.status = Str(s, "Status");
  st.running = Bool(s, "Running");
  st.paused = Bool(s, "Paused");
  st.restarting = Bool(s, "Restarting");
  st.oom_killed = Bool(s, "OOMKilled");
  st.dead = Bool(s, "Dead");
  st.pid = static_cast<int>(Int(s, "Pid"));
  st.exit_code = static_cast<int>(Int(s, "ExitCode"));
  st.error = Str(s, "Error");
  st.started_at = Time(s, "StartedAt");
  st.finished_at = Time(s, "FinishedAt");
  const json& h = Obj(s, "Health");
  st.health = Str(h, "Status");
  st.failing_streak = static_cast<int>(Int(h, "FailingStreak"));
  if (const json* log = Field(h, "Log"); log && log->is_array()) {
    for (const auto& e : *log) {
      st.health_log.push_back({Time(e, "Start"), Time(e, "End"),
                               static_cast<int>(Int(e, "ExitCode")), Str(e, "Output")});
    }
  }
  return st;
}

}  // namespace

Result<VersionInfo> DecodeVersion(const json& j) {
  return Guard("version", [&]() -> Result<VersionInfo> {
    VersionInfo v;
    v.version = Str(j, "Version");
    v.api_version = Str(j, "ApiVersion");
    v.min_api_version = Str(j, "MinAPIVersion");
    v.os = Str(j, "Os");
    v.arch = Str(j, "Arch");
    if (v.api_version.empty()) return Status::Internal("engine /version has no ApiVersion");
    return v;
  });
}

Result<std::vector<ContainerSummary>> DecodeContainerList(const json& j) {
  return Guard("container list", [&]() -> Result<std::vector<ContainerSummary>> {
    if (!j.is_array()) return Status::Internal("container list is not an array");
    std::vector<ContainerSummary> out;
    for (const auto& c : j) {
      ContainerSummary s;
      s.id = Str(c, "Id");
      auto names = StrVec(c, "Names");
      if (!names.empty()) s.name = StripSlash(names.front());
      s.image = Str(c, "Image");
      s.image_id = Str(c, "ImageID");
      s.state = Str(c, "State");
      s.status = Str(c, "Status");
      s.created = Int(c, "Created");
      s.labels = StrMap(c, "Labels");
      out.push_back(std::move(s));
    }
    return out;
  });
}

Result<ContainerInfo> DecodeContainerInfo(const json& j) {
  return Guard("container inspect", [&]() -> Result<ContainerInfo> {
    if (!j.is_object()) return Status::Internal("container inspect is not an object");
    ContainerInfo c;
    c.id = Str(j, "Id");
    c.name = StripSlash(Str(j, "Name"));
    c.image_id = Str(j, "Image");
    c.created = Time(j, "Created");
    c.state = DecodeState(Obj(j, "State"));
    c.restart_count = static_cast<int>(Int(j, "RestartCount"));
    const json& config = Obj(j, "Config");
    c.image = Str(config, "Image");
    c.labels = StrMap(config, "Labels");
    c.env = StrVec(config, "Env");
    c.cmd = StrVec(config, "Cmd");
    c.entrypoint = StrVec(config, "Entrypoint");
    c.hostname = Str(config, "Hostname");
    for (const auto& [name, n] : Obj(Obj(j, "NetworkSettings"), "Networks").items()) {
      c.networks[name] = {Str(n, "NetworkID"), Str(n, "EndpointID"), Str(n, "IPAddress"),
                          StrVec(n, "Aliases")};
    }
    if (const json* mounts = Field(j, "Mounts"); mounts && mounts->is_array()) {
      for (const auto& m : *mounts) {
        c.mounts.push_back({Str(m, "Type"), Str(m, "Name"), Str(m, "Source"), Str(m, "Destination"),
                            Bool(m, "RW")});
      }
    }
    c.raw = j;
    return c;
  });
}

Result<NetworkInfo> DecodeNetwork(const json& j) {
  return Guard("network", [&]() -> Result<NetworkInfo> {
    if (!j.is_object()) return Status::Internal("network is not an object");
    NetworkInfo n;
    n.id = Str(j, "Id");
    n.name = Str(j, "Name");
    n.driver = Str(j, "Driver");
    n.scope = Str(j, "Scope");
    n.internal = Bool(j, "Internal");
    n.attachable = Bool(j, "Attachable");
    n.labels = StrMap(j, "Labels");
    for (const auto& [id, c] : Obj(j, "Containers").items()) n.containers[id] = Str(c, "Name");
    n.raw = j;
    return n;
  });
}

Result<VolumeInfo> DecodeVolume(const json& j) {
  return Guard("volume", [&]() -> Result<VolumeInfo> {
    if (!j.is_object()) return Status::Internal("volume is not an object");
    VolumeInfo v;
    v.name = Str(j, "Name");
    v.driver = Str(j, "Driver");
    v.mountpoint = Str(j, "Mountpoint");
    v.created_at = Str(j, "CreatedAt");
    v.labels = StrMap(j, "Labels");
    v.raw = j;
    return v;
  });
}

Result<ImageInfo> DecodeImage(const json& j) {
  return Guard("image", [&]() -> Result<ImageInfo> {
    if (!j.is_object()) return Status::Internal("image is not an object");
    ImageInfo i;
    i.id = Str(j, "Id");
    i.repo_tags = StrVec(j, "RepoTags");
    i.created = Str(j, "Created");
    i.size = Int(j, "Size");
    i.labels = StrMap(Obj(j, "Config"), "Labels");
    i.raw = j;
    return i;
  });
}

Result<Event> DecodeEvent(const json& j) {
  return Guard("event", [&]() -> Result<Event> {
    if (!j.is_object()) return Status::Internal("event is not an object");
    Event e;
    e.type = Str(j, "Type");
    e.action = Str(j, "Action");
    const json& actor = Obj(j, "Actor");
    e.actor_id = Str(actor, "ID");
    e.attributes = StrMap(actor, "Attributes");
    e.time = Int(j, "time");
    e.time_nano = Int(j, "timeNano");
    if (e.time_nano == 0) e.time_nano = e.time * 1000000000LL;
    return e;
  });
}

Result<PullProgress> DecodePullLine(const json& j) {
  return Guard("pull progress", [&]() -> Result<PullProgress> {
    std::string error = Str(Obj(j, "errorDetail"), "message");
    if (error.empty()) error = Str(j, "error");
    if (!error.empty()) return StatusFromHttp(500, json{{"message", error}}.dump());
    PullProgress p;
    p.id = Str(j, "id");
    p.status = Str(j, "status");
    const json& detail = Obj(j, "progressDetail");
    p.current = Int(detail, "current");
    p.total = Int(detail, "total");
    return p;
  });
}

Status StatusFromHttp(long http_status, std::string_view body) {
  std::string message(Trim(body));
  try {
    json j = json::parse(body);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) {
      message = j["message"].get<std::string>();
    }
  } catch (const std::exception&) {
    // Not JSON: keep the raw text.
  }
  std::string lower = ToLower(message);
  std::string text = "docker engine: " + message + " (HTTP " + std::to_string(http_status) + ")";
  auto has = [&](const char* s) { return lower.find(s) != std::string::npos; };
  switch (http_status) {
    case 400: return Status::BadRequest(text);
    case 401: return Status::Unauthorized(text);
    case 403:  // libnetwork reports "network has active endpoints" as 403
      if (has("active endpoints")) return Status::Conflict(text);
      return Status::Forbidden(text);
    case 404: return Status::NotFound(text);
    case 409: return Status::Conflict(text);
    case 503: return Status::Unavailable(text);
    default: break;
  }
  if (has("unauthorized") || has("authentication required") || has("no basic auth") ||
      has("denied")) {
    return Status::Unauthorized(text);
  }
  if (has("manifest unknown") || has("not found") || has("no such")) return Status::NotFound(text);
  return Status::Internal(text);
}

}  // namespace berth::docker
