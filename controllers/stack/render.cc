#include "controllers/stack/render.h"

#include "controllers/stack/compose.h"
#include "controllers/stack/graph.h"
#include "controllers/stack/naming.h"
#include "operator/api/labels.h"
#include "operator/common/strings.h"

namespace berth::stack {
namespace {

using api::Json;
namespace labels = api::labels;

// A hashable description of the container: everything that, if changed,
// requires a new container.
Json Canonical(const docker::ContainerSpec& c) {
  Json j;
  j["name"] = c.name;
  j["image"] = c.image;
  j["cmd"] = c.cmd ? Json(*c.cmd) : Json();
  j["entrypoint"] = c.entrypoint ? Json(*c.entrypoint) : Json();
  j["env"] = c.env;
  j["labels"] = c.labels;
  Json ports = Json::array();
  for (const auto& p : c.ports) {
    ports.push_back({p.host_ip, p.host_port, p.container_port, p.protocol});
  }
  j["ports"] = ports;
  Json mounts = Json::array();
  for (const auto& m : c.mounts) {
    mounts.push_back({static_cast<int>(m.type), m.source, m.target, m.read_only});
  }
  j["mounts"] = mounts;
  Json nets = Json::array();
  for (const auto& n : c.networks) nets.push_back({n.network, n.aliases});
  j["networks"] = nets;
  if (c.healthcheck) {
    j["health"] = {c.healthcheck->test, c.healthcheck->interval.count(),
                   c.healthcheck->timeout.count(), c.healthcheck->start_period.count(),
                   c.healthcheck->retries};
  }
  j["restart"] = c.restart.name;
  j["user"] = c.user;
  j["workdir"] = c.working_dir;
  j["hostname"] = c.hostname;
  j["extra_hosts"] = c.extra_hosts;
  j["shm"] = c.shm_size;
  j["runtime"] = c.runtime;
  j["cap_add"] = c.cap_add;
  j["cap_drop"] = c.cap_drop;
  j["init"] = c.init ? Json(*c.init) : Json();
  j["tmpfs"] = c.tmpfs;
  j["cpus"] = c.nano_cpus;
  j["memory"] = c.memory;
  Json gpus = Json::array();
  for (const auto& g : c.gpus) gpus.push_back({g.count, g.device_ids});
  j["gpus"] = gpus;
  j["stop_timeout"] = c.stop_timeout ? Json(*c.stop_timeout) : Json();
  j["stop_signal"] = c.stop_signal;
  return j;
}

std::string SafeFileName(const std::string& container_path) {
  std::string base = container_path.substr(container_path.find_last_of('/') + 1);
  std::string clean;
  for (char ch : base) {
    clean += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_')
                 ? ch
                 : '_';
  }
  return Sha256Hex(container_path).substr(0, 12) + "-" + clean;
}

}  // namespace

std::string SecretMountPath(const std::string& secret, const std::string& key) {
  return "/run/secrets/" + secret + "/" + key;
}

Result<RenderedService> RenderService(const StackSpec& spec, const ServiceSpec& svc,
                                      const RenderInputs& in) {
  RenderedService out;
  docker::ContainerSpec& c = out.container;
  std::vector<FieldCause> causes;
  std::string path = "spec.services." + svc.name;
  Json resolved = Json::object();          // what references resolve to (content_hash)
  std::vector<std::string> canonical_env;  // env as the spec hash sees it: no secret values

  c.name = ContainerName(in.stack, svc);
  c.image = svc.image;
  c.cmd = svc.command;
  c.entrypoint = svc.entrypoint;
  c.labels = svc.labels;
  for (const auto& [k, v] : labels::Owned(in.stack)) c.labels[k] = v;
  c.labels[labels::kService] = svc.name;
  c.labels[labels::kRole] = svc.kind == ServiceKind::kJob ? "job" : "service";

  for (const auto& [name, src] : svc.env) {
    std::string epath = path + ".env." + name;
    switch (src.type) {
      case EnvSource::Type::kLiteral:
        c.env.push_back(name + "=" + src.value);
        canonical_env.push_back(name + "=" + src.value);
        break;
      case EnvSource::Type::kSecret:
      case EnvSource::Type::kProvider: {
        bool is_secret = src.type == EnvSource::Type::kSecret;
        std::string value;
        if (is_secret) {
          auto it = in.secrets.find({src.ref_name, src.ref_key});
          if (it == in.secrets.end()) {
            causes.push_back({epath, "Secret \"" + src.ref_name + "\" has no key \"" + src.ref_key +
                                         "\" (or does not exist)"});
            break;
          }
          value = it->second;
        } else {
          auto it = in.providers.find({src.ref_name, src.ref_key});
          if (it == in.providers.end()) {
            causes.push_back({epath, "Provider \"" + src.ref_name + "\" has no " + src.ref_key +
                                         " (or does not exist)"});
            break;
          }
          value = it->second;
        }
        std::string ref = (is_secret ? "secret:" : "provider:") + src.ref_name + "/" + src.ref_key;
        // What the container receives, and nothing else of the object: a new
        // value of another key or field leaves this service alone. The digest
        // is mixed into content_hash only (never shown alone).
        resolved["env"][name] = Sha256Hex("berth-env-value|" + ref + "|" + value);
        if (!src.as_file) {
          c.env.push_back(name + "=" + value);
          canonical_env.push_back(name + "=<" + ref + ">");
          break;
        }
        std::string secret = is_secret ? src.ref_name : "provider-" + src.ref_name;
        std::string mount = SecretMountPath(secret, src.ref_key);
        std::string host = in.secrets_dir + "/" + svc.name + "/" + secret + "/" + src.ref_key;
        out.files.push_back({host, value, 0444, true});
        c.mounts.push_back({docker::Mount::Type::kBind, host, mount, true});
        c.env.push_back(name + "_FILE=" + mount);
        canonical_env.push_back(name + "_FILE=" + mount);
        break;
      }
    }
  }

  for (size_t i = 0; i < svc.ports.size(); ++i) {
    auto ports = ParsePort(svc.ports[i]);
    if (!ports.ok()) {
      causes.push_back({path + ".ports[" + std::to_string(i) + "]", ports.status().message()});
      continue;
    }
    for (const auto& p : *ports) {
      c.ports.push_back({p.container_port, p.protocol, p.host_ip, p.host_port});
    }
  }

  for (size_t i = 0; i < svc.volumes.size(); ++i) {
    std::string vpath = path + ".volumes[" + std::to_string(i) + "]";
    auto v = ParseVolume(svc.volumes[i]);
    if (!v.ok()) {
      causes.push_back({vpath, v.status().message()});
      continue;
    }
    if (v->type == VolumeMount::Type::kNamed) {
      auto it = in.volume_names.find(v->source);
      if (it == in.volume_names.end()) {
        causes.push_back({vpath, "volume \"" + v->source + "\" is not declared in spec.volumes"});
        continue;
      }
      c.mounts.push_back({docker::Mount::Type::kVolume, it->second, v->target, v->read_only});
    } else {
      std::string src = v->source;
      if (v->relative()) {
        src = in.stack_dir + "/data/" + (src == "." ? "" : src.substr(2));
        while (src.size() > 1 && src.back() == '/') src.pop_back();
        out.bind_dirs.push_back(src);
      }
      c.mounts.push_back({docker::Mount::Type::kBind, src, v->target, v->read_only});
    }
  }

  if (spec.router && spec.router->service == svc.name) {
    // The router reads the Instances' conf.d files berth writes on the host;
    // unless the service mounts something there itself, mount them.
    const std::string& target = spec.router->container_conf_dir;
    bool mounted = false;
    for (const auto& m : c.mounts) mounted = mounted || m.target == target;
    if (!mounted) {
      std::string dir = RouterConfDir(in.stack_dir, *spec.router);
      c.mounts.push_back({docker::Mount::Type::kBind, dir, target, true});
      out.bind_dirs.push_back(dir);
    }
  }

  Json literal_configs = Json::object();
  for (const ConfigFileSpec& f : svc.config_files) {
    std::string content = f.content;
    if (!f.render_format.empty()) {
      auto it = in.rendered_configs.find({svc.name, f.path});
      if (it == in.rendered_configs.end()) {
        causes.push_back({path + ".configFiles", "config " + f.path + " is not rendered yet"});
        continue;
      }
      content = it->second;
    }
    // Rendered configs carry API keys: they live under the secrets dir (0700),
    // in a directory no Secret can be named like.
    bool rendered = !f.render_format.empty();
    std::string host = rendered
                           ? in.secrets_dir + "/" + svc.name + "/_rendered/" + SafeFileName(f.path)
                           : in.stack_dir + "/configs/" + svc.name + "/" + SafeFileName(f.path);
    out.files.push_back({host, content, static_cast<unsigned>(f.mode), rendered});
    c.mounts.push_back({docker::Mount::Type::kBind, host, f.path, true});
    std::string digest = Sha256Hex(content) + "/" + std::to_string(f.mode);
    if (f.render_format.empty()) {
      literal_configs[f.path] = digest;
    } else {
      resolved["configs"][f.path] = digest;
    }
  }

  for (const std::string& key : svc.networks) {
    auto it = in.network_names.find(key);
    if (it == in.network_names.end()) {
      causes.push_back({path + ".networks", "network \"" + key + "\" is not declared"});
      continue;
    }
    c.networks.push_back({it->second, {svc.name}});
  }

  if (svc.healthcheck && !svc.healthcheck->disabled && !svc.healthcheck->test.empty()) {
    const HealthSpec& h = *svc.healthcheck;
    c.healthcheck = docker::HealthCheck{h.test, h.interval, h.timeout, h.start_period, h.retries};
  } else if (svc.healthcheck && svc.healthcheck->disabled) {
    c.healthcheck = docker::HealthCheck{{"NONE"}, {}, {}, {}, 0};
  }
  c.restart.name = svc.kind == ServiceKind::kJob ? "no" : svc.restart;
  c.user = svc.user;
  c.working_dir = svc.working_dir;
  c.hostname = svc.hostname;
  c.extra_hosts = svc.extra_hosts;
  if (!svc.shm_size.empty()) {
    auto b = ParseBytes(svc.shm_size);
    if (b.ok())
      c.shm_size = *b;
    else
      causes.push_back({path + ".shmSize", b.status().message()});
  }
  c.runtime = svc.runtime;
  c.cap_add = svc.cap_add;
  c.cap_drop = svc.cap_drop;
  c.init = svc.init;
  for (const std::string& t : svc.tmpfs) {
    auto colon = t.find(':');
    c.tmpfs[t.substr(0, colon)] = colon == std::string::npos ? "" : t.substr(colon + 1);
  }
  if (!svc.cpus.empty()) {
    auto n = ParseNanoCpus(svc.cpus);
    if (n.ok())
      c.nano_cpus = *n;
    else
      causes.push_back({path + ".resources.cpus", n.status().message()});
  }
  if (!svc.memory.empty()) {
    auto b = ParseBytes(svc.memory);
    if (b.ok())
      c.memory = *b;
    else
      causes.push_back({path + ".resources.memory", b.status().message()});
  }
  if (svc.gpus) {
    docker::GpuRequest g;
    if (!in.gpu_devices.empty()) {
      g.device_ids = in.gpu_devices;
      c.env.push_back("CUDA_VISIBLE_DEVICES=" + Join(in.gpu_devices, ","));
      canonical_env.push_back(c.env.back());
    } else if (!svc.gpus->device_ids.empty()) {
      g.device_ids = svc.gpus->device_ids;
    } else {
      g.count = svc.gpus->count;
    }
    c.gpus.push_back(g);
  }
  c.stop_timeout = static_cast<int>((svc.stop_grace.count() + 999) / 1000);
  c.stop_signal = svc.stop_signal;

  if (!causes.empty()) return Status::Invalid("cannot render service " + svc.name, causes);
  Json canon = Canonical(c);
  canon["env"] = canonical_env;
  canon["configs"] = literal_configs;
  out.spec_hash = Sha256Hex(canon.dump()).substr(0, 16);
  out.content_hash = Sha256Hex(resolved.dump()).substr(0, 16);
  return out;
}

std::map<std::string, std::string> EffectiveHashes(
    const StackSpec& spec, const std::map<std::string, RenderedService>& rendered) {
  std::map<std::string, std::string> propagated;  // spec hashes rolled down the graph
  std::map<std::string, std::string> out;
  for (const std::string& name : TopologicalOrder(spec)) {
    auto it = rendered.find(name);
    if (it == rendered.end()) continue;
    std::string combined = it->second.spec_hash;
    for (const auto& [dep, cond] : spec.services.at(name).depends_on) {
      auto d = propagated.find(dep);
      if (d != propagated.end()) combined += "|" + dep + "=" + d->second;
    }
    propagated[name] = Sha256Hex(combined).substr(0, 16);
    out[name] = Sha256Hex(propagated[name] + "|" + it->second.content_hash).substr(0, 16);
  }
  return out;
}

}  // namespace berth::stack
