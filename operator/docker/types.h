// Value types of the Docker Engine API as berth uses them.
//
// Plain structs, no behaviour: what controllers send (…Spec) and what the
// engine reports (…Info, …Summary). Every Info keeps the engine's whole JSON
// in `raw` for fields not modelled here. Times are the engine's RFC 3339
// strings; a never-happened time ("0001-01-01T00:00:00Z") becomes "".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace berth::docker {

using Labels = std::map<std::string, std::string>;

// Label filters for list calls: each entry is "key" (label present) or
// "key=value"; an object must match all of them.
using LabelFilter = std::vector<std::string>;

struct VersionInfo {
  std::string version;          // engine version, e.g. "20.10.24+dfsg1"
  std::string api_version;      // newest API the engine speaks, e.g. "1.41"
  std::string min_api_version;  // oldest API the engine accepts
  std::string os;
  std::string arch;
  std::string negotiated;  // the version berth uses in URLs: min(api_version, 1.41)
};

// ---- containers ---------------------------------------------------------

struct PortBinding {
  int container_port = 0;
  std::string protocol = "tcp";  // tcp | udp | sctp
  std::string host_ip;           // "" = all interfaces (tests always use 127.0.0.1)
  int host_port = 0;             // 0 = exposed only, not published
  bool operator==(const PortBinding&) const = default;
};

struct Mount {
  enum class Type { kBind, kVolume, kTmpfs };
  Type type = Type::kVolume;
  std::string source;  // host path (bind) or volume name (volume); unused for tmpfs
  std::string target;  // path in the container
  bool read_only = false;
  bool operator==(const Mount&) const = default;
};

struct HealthCheck {
  // ["CMD", "pg_isready"], ["CMD-SHELL", "pg_isready -U x"], or ["NONE"].
  std::vector<std::string> test;
  std::chrono::nanoseconds interval{0};  // 0 = engine default (30 s)
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds start_period{0};
  int retries = 0;
  bool operator==(const HealthCheck&) const = default;
};

struct RestartPolicy {
  std::string name;  // "" | no | always | unless-stopped | on-failure
  int max_retries = 0;
  bool operator==(const RestartPolicy&) const = default;
};

// A GPU DeviceRequest (driver nvidia, capabilities [["gpu"]]).
struct GpuRequest {
  std::string driver = "nvidia";
  int count = 0;                        // -1 = all; ignored when device_ids is set
  std::vector<std::string> device_ids;  // indices or UUIDs
  std::vector<std::vector<std::string>> capabilities = {{"gpu"}};
  bool operator==(const GpuRequest&) const = default;
};

struct NetworkAttachment {
  std::string network;  // name or id
  std::vector<std::string> aliases;
  bool operator==(const NetworkAttachment&) const = default;
};

// What CreateContainer makes. Empty/zero fields are left to engine defaults.
struct ContainerSpec {
  std::string name;  // "" = engine-generated
  std::string image;
  std::optional<std::vector<std::string>> cmd;         // nullopt = image default
  std::optional<std::vector<std::string>> entrypoint;  // nullopt = image default
  std::vector<std::string> env;                        // "KEY=value"
  Labels labels;
  std::vector<PortBinding> ports;
  std::vector<Mount> mounts;
  // The first network is joined at create time, the others right after
  // (API 1.41 accepts one endpoint at create), all before the container starts.
  std::vector<NetworkAttachment> networks;
  std::optional<HealthCheck> healthcheck;
  RestartPolicy restart;
  std::string user;
  std::string working_dir;
  std::string hostname;
  std::vector<std::string> extra_hosts;  // "host:ip"
  int64_t shm_size = 0;                  // bytes
  std::string runtime;                   // e.g. "nvidia"
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::optional<bool> init;
  std::map<std::string, std::string> tmpfs;  // path -> mount options
  int64_t nano_cpus = 0;                     // 1e9 = one CPU
  int64_t memory = 0;                        // bytes
  std::vector<GpuRequest> gpus;
  std::optional<int> stop_timeout;  // seconds
  std::string stop_signal;
};

struct ContainerSummary {  // one row of GET /containers/json
  std::string id;
  std::string name;  // without the leading "/"
  std::string image;
  std::string image_id;
  std::string state;    // created | running | paused | restarting | removing | exited | dead
  std::string status;   // human text: "Up 3 seconds (healthy)"
  int64_t created = 0;  // Unix seconds
  Labels labels;
};

struct HealthLogEntry {
  std::string start;
  std::string end;
  int exit_code = 0;
  std::string output;
};

struct ContainerState {
  std::string status;  // created | running | paused | restarting | removing | exited | dead
  bool running = false;
  bool paused = false;
  bool restarting = false;
  bool oom_killed = false;
  bool dead = false;
  int pid = 0;
  int exit_code = 0;
  std::string error;
  std::string started_at;   // "" if never started
  std::string finished_at;  // "" if never finished
  std::string health;       // "" (no healthcheck) | starting | healthy | unhealthy
  int failing_streak = 0;
  std::vector<HealthLogEntry> health_log;  // oldest first, as the engine keeps it
};

struct ContainerNetwork {
  std::string network_id;
  std::string endpoint_id;
  std::string ip_address;
  std::vector<std::string> aliases;
};

struct MountInfo {
  std::string type;  // bind | volume | tmpfs
  std::string name;  // volume name
  std::string source;
  std::string destination;
  bool read_write = true;
};

struct ContainerInfo {  // GET /containers/{id}/json
  std::string id;
  std::string name;      // without the leading "/"
  std::string image;     // Config.Image as created ("berth-test/busybox:1")
  std::string image_id;  // "sha256:…"
  std::string created;
  ContainerState state;
  int restart_count = 0;
  Labels labels;
  std::vector<std::string> env;
  std::vector<std::string> cmd;
  std::vector<std::string> entrypoint;
  std::string hostname;
  std::map<std::string, ContainerNetwork> networks;  // by network name
  std::vector<MountInfo> mounts;
  nlohmann::json raw;
};

struct LogsOptions {
  bool stdout_stream = true;
  bool stderr_stream = true;
  int tail = -1;      // last N lines; -1 = all
  int64_t since = 0;  // Unix seconds; 0 = from the start
  bool timestamps = false;
};

enum class LogStream { kStdout, kStderr };

struct LogOutput {
  std::string out;  // stdout, demultiplexed
  std::string err;  // stderr, demultiplexed
};

enum class WaitCondition { kNotRunning, kNextExit, kRemoved };

struct ExecOptions {
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::string user;
  std::string working_dir;
  std::chrono::milliseconds timeout{0};  // 0 = none
};

struct ExecResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// One file (or directory) for PutArchive. Directories end in "/" or set dir.
struct ArchiveEntry {
  std::string path;  // relative to the extraction directory, e.g. "conf.d/a.conf"
  std::string content;
  unsigned mode = 0644;
  bool dir = false;
  int uid = 0;
  int gid = 0;
};

// ---- networks and volumes -------------------------------------------------

struct NetworkSpec {
  std::string name;
  std::string driver = "bridge";
  bool internal = false;
  bool attachable = false;
  bool check_duplicate = true;
  Labels labels;
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string driver;
  std::string scope;
  bool internal = false;
  bool attachable = false;
  Labels labels;
  std::map<std::string, std::string> containers;  // container id -> endpoint name
  nlohmann::json raw;
};

struct VolumeSpec {
  std::string name;
  std::string driver = "local";
  std::map<std::string, std::string> driver_opts;
  Labels labels;
};

struct VolumeInfo {
  std::string name;
  std::string driver;
  std::string mountpoint;
  std::string created_at;
  Labels labels;
  nlohmann::json raw;
};

// ---- images ---------------------------------------------------------------

struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::string created;
  int64_t size = 0;
  Labels labels;  // Config.Labels
  nlohmann::json raw;
};

struct RegistryAuth {
  std::string username;
  std::string password;
  std::string server_address;  // e.g. "127.0.0.1:5000"
};

// One line of pull progress as the engine streams it.
struct PullProgress {
  std::string id;      // layer id, or "" for whole-image lines
  std::string status;  // "Pulling fs layer", "Downloading", "Pull complete", …
  int64_t current = 0;
  int64_t total = 0;
};

// ---- events ---------------------------------------------------------------

struct Event {
  std::string type;    // container | network | volume | image | …
  std::string action;  // create | start | die | destroy | health_status: healthy | …
  std::string actor_id;
  std::map<std::string, std::string> attributes;  // includes the object's labels
  int64_t time = 0;                               // Unix seconds
  int64_t time_nano = 0;                          // Unix nanoseconds
};

struct EventsOptions {
  // "" = from now; otherwise "<seconds>" or "<seconds>.<nanoseconds>".
  std::string since;
  std::string until;  // "" = stream forever
  // Engine filters, e.g. {"type": {"container", "network"}, "label": {"berth.dev/managed-by"}}.
  std::map<std::string, std::vector<std::string>> filters;
};

}  // namespace berth::docker
