#include "controllers/stack/stack_spec.h"

#include "controllers/stack/compose.h"

namespace berth::stack {
namespace {

// Collects errors with their field paths while parsing.
class Errors {
 public:
  void Add(const std::string& path, const std::string& msg) { causes_.push_back({path, msg}); }
  void Add(const std::string& path, const Status& st) {
    if (!st.ok()) causes_.push_back({path, st.message()});
  }
  Status ToStatus() const {
    if (causes_.empty()) return Status::Ok();
    return Status::Invalid("invalid Stack spec", causes_);
  }

 private:
  std::vector<FieldCause> causes_;
};

std::string Str(const Json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool Bool(const Json& j, const char* key, bool fallback = false) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::vector<std::string> StrList(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> StrMap(const Json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items()) {
    out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

// command/entrypoint: a string (shell-split) or a list.
std::optional<std::vector<std::string>> Command(const Json& j, const char* key,
                                                const std::string& path, Errors* errs) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    auto split = ShellSplit(it->get<std::string>());
    if (!split.ok()) {
      errs->Add(path, split.status());
      return std::nullopt;
    }
    return *split;
  }
  return StrList(j, key);
}

std::chrono::milliseconds Duration(const Json& j, const char* key, std::chrono::milliseconds def,
                                   const std::string& path, Errors* errs) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return def;
  auto d = ParseDuration(it->get<std::string>());
  if (!d.ok()) {
    errs->Add(path + "." + key, d.status());
    return def;
  }
  return *d;
}

HealthSpec HealthFrom(const Json& hc, const std::string& path, Errors* errs) {
  HealthSpec h;
  if (auto t = hc.find("test"); t != hc.end()) {
    if (t->is_string()) {
      h.test = {"CMD-SHELL", t->get<std::string>()};
    } else {
      h.test = StrList(hc, "test");
      if (!h.test.empty() && h.test[0] != "CMD" && h.test[0] != "CMD-SHELL" &&
          h.test[0] != "NONE") {
        h.test.insert(h.test.begin(), "CMD");
      }
    }
  }
  h.interval = Duration(hc, "interval", h.interval, path, errs);
  h.timeout = Duration(hc, "timeout", h.timeout, path, errs);
  h.start_period = Duration(hc, "startPeriod", h.start_period, path, errs);
  if (auto r = hc.find("retries"); r != hc.end() && r->is_number_integer()) h.retries = *r;
  h.disabled = Bool(hc, "disable");
  if (!h.disabled && h.test.empty()) errs->Add(path + ".test", "Required value");
  return h;
}

std::map<std::string, EnvSource> EnvFrom(const Json& env, const std::string& path, Errors* errs) {
  std::map<std::string, EnvSource> out;
  if (!env.is_object()) return out;
  for (const auto& [name, v] : env.items()) {
    EnvSource e;
    std::string p = path + "." + name;
    if (v.is_string()) {
      e.value = v.get<std::string>();
    } else if (v.is_number() || v.is_boolean()) {
      e.value = v.dump();
    } else if (v.is_null()) {
      e.value = "";
    } else if (v.is_object() && v.contains("secretRef")) {
      const Json& r = v["secretRef"];
      e.type = EnvSource::Type::kSecret;
      e.ref_name = Str(r, "name");
      e.ref_key = Str(r, "key");
      e.as_file = Str(r, "as", "file") == "file";
      if (e.ref_name.empty()) errs->Add(p + ".secretRef.name", "Required value");
      if (e.ref_key.empty()) errs->Add(p + ".secretRef.key", "Required value");
    } else if (v.is_object() && v.contains("providerRef")) {
      const Json& r = v["providerRef"];
      e.type = EnvSource::Type::kProvider;
      e.ref_name = Str(r, "name");
      e.ref_key = Str(r, "field", "apiKey");
      e.as_file = Str(r, "as", e.ref_key == "apiKey" ? "file" : "env") == "file";
      if (e.ref_name.empty()) errs->Add(p + ".providerRef.name", "Required value");
    } else {
      errs->Add(p, "must be a string or an object with secretRef or providerRef");
      continue;
    }
    out[name] = std::move(e);
  }
  return out;
}

DependCondition Condition(const std::string& s) {
  if (s == "healthy") return DependCondition::kHealthy;
  if (s == "completed") return DependCondition::kCompleted;
  return DependCondition::kStarted;
}

ServiceSpec ServiceFrom(const std::string& name, const Json& j, Errors* errs) {
  std::string path = "spec.services." + name;
  ServiceSpec s;
  s.name = name;
  s.kind = Str(j, "kind", "service") == "job" ? ServiceKind::kJob : ServiceKind::kService;
  s.image = Str(j, "image");
  if (s.image.empty()) errs->Add(path + ".image", "Required value");
  s.pull_policy = Str(j, "imagePullPolicy", "IfNotPresent");
  s.command = Command(j, "command", path + ".command", errs);
  s.entrypoint = Command(j, "entrypoint", path + ".entrypoint", errs);
  if (auto e = j.find("env"); e != j.end()) s.env = EnvFrom(*e, path + ".env", errs);
  s.ports = StrList(j, "ports");
  s.volumes = StrList(j, "volumes");
  s.networks = StrList(j, "networks");
  if (s.networks.empty()) s.networks = {"default"};
  if (auto h = j.find("healthcheck"); h != j.end() && h->is_object()) {
    s.healthcheck = HealthFrom(*h, path + ".healthcheck", errs);
  }
  s.restart = Str(j, "restart", s.kind == ServiceKind::kJob ? "no" : "unless-stopped");
  if (auto d = j.find("dependsOn"); d != j.end() && d->is_object()) {
    for (const auto& [dep, cond] : d->items()) {
      s.depends_on[dep] = Condition(cond.is_string() ? cond.get<std::string>() : "started");
    }
  }
  s.container_name = Str(j, "containerName");
  s.hostname = Str(j, "hostname");
  s.labels = StrMap(j, "labels");
  s.user = Str(j, "user");
  s.working_dir = Str(j, "workingDir");
  s.stop_grace = Duration(j, "stopGracePeriod", s.stop_grace, path, errs);
  s.stop_signal = Str(j, "stopSignal");
  s.extra_hosts = StrList(j, "extraHosts");
  s.shm_size = Str(j, "shmSize");
  s.runtime = Str(j, "runtime");
  s.cap_add = StrList(j, "capAdd");
  s.cap_drop = StrList(j, "capDrop");
  if (auto i = j.find("init"); i != j.end() && i->is_boolean()) s.init = i->get<bool>();
  s.tmpfs = StrList(j, "tmpfs");
  if (auto r = j.find("resources"); r != j.end() && r->is_object()) {
    if (auto c = r->find("cpus"); c != r->end()) {
      s.cpus = c->is_string() ? c->get<std::string>() : c->dump();
    }
    s.memory = Str(*r, "memory");
    if (auto g = r->find("gpus"); g != r->end() && g->is_object()) {
      GpuSpec gpu;
      gpu.count = g->value("count", 0);
      gpu.device_ids = StrList(*g, "deviceIds");
      gpu.memory_mib = g->value("memoryMiB", 0);
      gpu.utilization = g->value("utilization", 0.0);
      s.gpus = gpu;
    }
  }
  if (auto cf = j.find("configFiles"); cf != j.end() && cf->is_array()) {
    for (size_t i = 0; i < cf->size(); ++i) {
      const Json& f = (*cf)[i];
      ConfigFileSpec c;
      c.path = Str(f, "path");
      c.content = Str(f, "content");
      c.mode = f.value("mode", 0444);
      if (auto r = f.find("render"); r != f.end() && r->is_object()) {
        c.render_format = Str(*r, "format");
        c.render_providers = StrList(*r, "providers");
        c.render_selector = StrMap(*r, "providerSelector");
      }
      s.config_files.push_back(std::move(c));
    }
  }
  if (auto p = j.find("placement"); p != j.end() && p->is_object()) {
    s.placement_node = Str(*p, "gpuNode");
    s.placement_selector = StrMap(*p, "gpuNodeSelector");
  }
  return s;
}

}  // namespace

Result<std::map<std::string, EnvSource>> ParseEnv(const Json& env, const std::string& path) {
  Errors errs;
  auto out = EnvFrom(env, path, &errs);
  BERTH_RETURN_IF_ERROR(errs.ToStatus());
  return out;
}

Result<HealthSpec> ParseHealth(const Json& hc, const std::string& path) {
  Errors errs;
  HealthSpec h = HealthFrom(hc, path, &errs);
  BERTH_RETURN_IF_ERROR(errs.ToStatus());
  return h;
}

Result<StackSpec> ParseStackSpec(const Json& spec) {
  Errors errs;
  StackSpec out;
  if (!spec.is_object())
    return Status::Invalid("spec must be an object", {{"spec", "Required value"}});
  if (auto s = spec.find("services"); s != spec.end() && s->is_object()) {
    for (const auto& [name, svc] : s->items()) {
      out.services[name] = ServiceFrom(name, svc.is_object() ? svc : Json::object(), &errs);
    }
  }
  if (out.services.empty()) errs.Add("spec.services", "Required value: at least one service");
  if (auto n = spec.find("networks"); n != spec.end() && n->is_object()) {
    for (const auto& [key, decl] : n->items()) {
      NetworkDecl d;
      d.key = key;
      d.internal = Bool(decl, "internal");
      d.external = Bool(decl, "external");
      d.name = Str(decl, "name");
      d.driver = Str(decl, "driver", "bridge");
      d.labels = StrMap(decl, "labels");
      if (d.internal && d.external) {
        errs.Add("spec.networks." + key, "a network cannot be both internal and external");
      }
      out.networks[key] = std::move(d);
    }
  }
  for (const auto& [name, svc] : out.services) {
    for (const std::string& net : svc.networks) {
      if (net == "default" && !out.networks.count("default")) {
        NetworkDecl d;
        d.key = "default";
        out.networks["default"] = d;
      }
    }
  }
  if (auto v = spec.find("volumes"); v != spec.end() && v->is_object()) {
    for (const auto& [key, decl] : v->items()) {
      VolumeDecl d;
      d.key = key;
      d.external = Bool(decl, "external");
      d.name = Str(decl, "name");
      d.driver = Str(decl, "driver", "local");
      d.labels = StrMap(decl, "labels");
      out.volumes[key] = std::move(d);
    }
  }
  if (auto r = spec.find("router"); r != spec.end() && r->is_object()) {
    RouterSpec rs;
    rs.service = Str(*r, "service");
    rs.conf_dir = Str(*r, "confDir");
    rs.container_conf_dir = Str(*r, "containerConfDir", rs.container_conf_dir);
    rs.network = Str(*r, "network");
    rs.base_domain = Str(*r, "baseDomain");
    rs.public_scheme = Str(*r, "publicScheme", "http");
    rs.public_port = r->value("publicPort", 80);
    rs.streaming = Bool(*r, "streaming", true);
    out.router = rs;
  }
  if (auto t = spec.find("instanceTemplates"); t != spec.end()) out.instance_templates = *t;
  if (auto ps = spec.find("imagePullSecrets"); ps != spec.end() && ps->is_array()) {
    for (size_t i = 0; i < ps->size(); ++i) {
      std::string name = Str((*ps)[i], "name");
      if (name.empty()) {
        errs.Add("spec.imagePullSecrets[" + std::to_string(i) + "].name", "Required value");
      } else {
        out.image_pull_secrets.push_back(std::move(name));
      }
    }
  }
  BERTH_RETURN_IF_ERROR(errs.ToStatus());
  return out;
}

}  // namespace berth::stack
