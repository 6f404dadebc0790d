// StackSpec: the typed form of a Stack's spec, parsed from JSON that already
// passed schema validation (so defaults are filled in). Pure; value types.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::stack {

using api::Json;

enum class ServiceKind { kService, kJob };
enum class DependCondition { kHealthy, kCompleted, kStarted };

struct EnvSource {
  enum class Type { kLiteral, kSecret, kProvider };
  Type type = Type::kLiteral;
  std::string value;     // literal
  std::string ref_name;  // Secret or Provider name
  std::string ref_key;   // Secret key, or Provider field (apiKey, baseURL, ...)
  bool as_file = false;  // inject as a read-only file plus NAME_FILE
};

struct HealthSpec {
  std::vector<std::string> test;  // normalized: ["CMD", ...], ["CMD-SHELL", "..."], ["NONE"]
  std::chrono::milliseconds interval{30000};
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds start_period{0};
  int retries = 3;
  bool disabled = false;
  bool enabled() const { return !disabled && !test.empty() && test[0] != "NONE"; }
};

struct ConfigFileSpec {
  std::string path;     // absolute path in the container
  std::string content;  // literal content, or empty when rendered
  int mode = 0444;
  std::string render_format;  // "" (literal), "uni-api", "instance-config"
  std::vector<std::string> render_providers;
  std::map<std::string, std::string> render_selector;
};

struct GpuSpec {
  int count = 0;
  std::vector<std::string> device_ids;
  int memory_mib = 0;
  double utilization = 0;
};

struct ServiceSpec {
  std::string name;
  ServiceKind kind = ServiceKind::kService;
  std::string image;
  std::string pull_policy = "IfNotPresent";
  std::optional<std::vector<std::string>> command;
  std::optional<std::vector<std::string>> entrypoint;
  std::map<std::string, EnvSource> env;
  std::vector<std::string> ports;     // compose short syntax, parsed by compose.h
  std::vector<std::string> volumes;   // compose short syntax
  std::vector<std::string> networks;  // stack network keys; {"default"} when unset
  std::optional<HealthSpec> healthcheck;
  std::string restart;  // no | always | on-failure | unless-stopped
  std::map<std::string, DependCondition> depends_on;
  std::string container_name;
  std::string hostname;
  std::map<std::string, std::string> labels;
  std::string user;
  std::string working_dir;
  std::chrono::milliseconds stop_grace{10000};
  std::string stop_signal;
  std::vector<std::string> extra_hosts;
  std::string shm_size;
  std::string runtime;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::optional<bool> init;
  std::vector<std::string> tmpfs;
  std::string cpus;    // "0.5"
  std::string memory;  // "512m"
  std::optional<GpuSpec> gpus;
  std::vector<ConfigFileSpec> config_files;
  std::string placement_node;
  std::map<std::string, std::string> placement_selector;
};

struct NetworkDecl {
  std::string key;
  bool internal = false;
  bool external = false;
  std::string name;  // Docker name override (required for external networks named differently)
  std::string driver = "bridge";
  std::map<std::string, std::string> labels;
};

struct VolumeDecl {
  std::string key;
  bool external = false;
  std::string name;
  std::string driver = "local";
  std::map<std::string, std::string> labels;
};

struct RouterSpec {
  std::string service;
  std::string conf_dir;
  std::string container_conf_dir = "/etc/nginx/conf.d";
  std::string network;
  std::string base_domain;
  std::string public_scheme = "http";
  int public_port = 80;
  bool streaming = true;
};

struct StackSpec {
  std::map<std::string, ServiceSpec> services;
  std::map<std::string, NetworkDecl> networks;  // includes the implicit "default" when used
  std::map<std::string, VolumeDecl> volumes;
  std::optional<RouterSpec> router;
  Json instance_templates;  // raw; the Instance controller parses its own part
  // Secrets with registry credentials for pulls (pull_auth.h), in order; for
  // every service and Instance template.
  std::vector<std::string> image_pull_secrets;
};

// Parses a Stack spec. Errors are Invalid with field paths under "spec.".
// Adds the implicit "default" network when a service lists no networks.
Result<StackSpec> ParseStackSpec(const Json& spec);
// Parses one env map (service or instance template); `path` prefixes errors.
Result<std::map<std::string, EnvSource>> ParseEnv(const Json& env, const std::string& path);
// Parses a healthcheck object.
Result<HealthSpec> ParseHealth(const Json& hc, const std::string& path);

}  // namespace berth::stack
