#include "controllers/instance/template.h"

#include "controllers/stack/compose.h"
#include "controllers/stack/naming.h"

namespace berth::instance {
namespace {

using api::Json;

std::string Str(const Json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

std::vector<std::string> TemplateNames(const stack::StackSpec& spec) {
  std::vector<std::string> out;
  if (spec.instance_templates.is_object()) {
    for (const auto& [k, v] : spec.instance_templates.items()) out.push_back(k);
  }
  return out;
}

Result<InstanceTemplate> ParseTemplate(const stack::StackSpec& spec, const std::string& name) {
  const Json& all = spec.instance_templates;
  if (!all.is_object() || !all.contains(name) || !all[name].is_object()) {
    return Status::NotFound("template \"" + name + "\" not found");
  }
  const Json& t = all[name];
  std::string path = "spec.instanceTemplates." + name;
  std::vector<FieldCause> causes;
  auto add = [&](const Status& st) {
    for (const auto& c : st.causes()) causes.push_back(c);
    if (st.causes().empty()) causes.push_back({path, st.message()});
  };

  InstanceTemplate out;
  out.name = name;
  out.image_pull_secrets = spec.image_pull_secrets;
  stack::ServiceSpec& s = out.service;
  s.name = name;
  s.image = Str(t, "image");
  if (s.image.empty()) causes.push_back({path + ".image", "Required value"});
  if (auto c = t.find("command"); c != t.end() && !c->is_null()) {
    if (c->is_string()) {
      auto split = stack::ShellSplit(c->get<std::string>());
      if (split.ok())
        s.command = *split;
      else
        causes.push_back({path + ".command", split.status().message()});
    } else if (c->is_array()) {
      std::vector<std::string> args;
      for (const auto& a : *c) {
        if (a.is_string()) args.push_back(a.get<std::string>());
      }
      s.command = args;
    }
  }
  if (auto e = t.find("env"); e != t.end()) {
    auto env = stack::ParseEnv(*e, path + ".env");
    if (env.ok())
      s.env = std::move(*env);
    else
      add(env.status());
  }
  if (auto h = t.find("healthcheck"); h != t.end() && h->is_object()) {
    auto hc = stack::ParseHealth(*h, path + ".healthcheck");
    if (hc.ok())
      s.healthcheck = *hc;
    else
      add(hc.status());
  }
  if (auto r = t.find("resources"); r != t.end() && r->is_object()) {
    if (auto c = r->find("cpus"); c != r->end()) {
      s.cpus = c->is_string() ? c->get<std::string>() : c->dump();
    }
    s.memory = Str(*r, "memory");
  }
  if (auto l = t.find("labels"); l != t.end() && l->is_object()) {
    for (const auto& [k, v] : l->items())
      s.labels[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  s.user = Str(t, "user");
  s.restart = Str(t, "restart", "unless-stopped");
  s.networks.clear();

  if (auto p = t.find("port"); p != t.end() && p->is_number_integer()) out.port = *p;
  if (out.port < 1 || out.port > 65535) {
    causes.push_back({path + ".port", "Required value: the container port the router forwards to"});
  }
  out.data_path = Str(t, "dataPath", out.data_path);
  out.config_path = Str(t, "configPath", out.config_path);
  if (out.data_path.empty() || out.data_path[0] != '/') {
    causes.push_back({path + ".dataPath", "must be an absolute path"});
  }
  if (out.config_path.size() < 2 || out.config_path[0] != '/' || out.config_path.back() == '/') {
    causes.push_back({path + ".configPath", "must be an absolute file path"});
  } else if (ConfigDirIn(out.config_path) == "/") {
    causes.push_back({path + ".configPath", "must be in a directory other than /"});
  } else if (ConfigDirIn(out.config_path) == out.data_path) {
    causes.push_back({path + ".configPath",
                      "must not be directly in dataPath: its directory is mounted on its own"});
  }
  out.route_config = Str(t, "routeConfig");
  if (!causes.empty()) return Status::Invalid("invalid instance template " + name, causes);
  return out;
}

Result<RouterInfo> RouterOf(const api::ObjectRef& stack_ref, const stack::StackSpec& spec,
                            const api::Json& raw_spec, const std::string& stack_dir) {
  if (!spec.router) {
    return Status::NotFound("Stack " + stack_ref.ns + "/" + stack_ref.name + " has no router");
  }
  RouterInfo r;
  r.spec = *spec.router;
  if (raw_spec.is_object() && raw_spec.contains("router")) {
    const Json& rj = raw_spec["router"];
    if (auto p = rj.find("listenPort"); p != rj.end() && p->is_number_integer()) {
      r.listen_port = *p;
    }
  }
  auto svc = spec.services.find(r.spec.service);
  if (svc == spec.services.end()) {
    return Status::Invalid(
        "router service not found",
        {{"spec.router.service", "no service named \"" + r.spec.service + "\""}});
  }
  r.network_key = r.spec.network;
  if (r.network_key.empty() && !svc->second.networks.empty()) {
    r.network_key = svc->second.networks.front();
  }
  auto net = spec.networks.find(r.network_key);
  if (net == spec.networks.end()) {
    return Status::Invalid("router network not found",
                           {{"spec.router.network", "no network \"" + r.network_key + "\""}});
  }
  r.network_name = stack::NetworkName(stack_ref, net->second);
  r.conf_dir = stack::RouterConfDir(stack_dir, r.spec);
  if (r.spec.conf_dir.empty()) {
    // The router service mounts a host directory at containerConfDir itself
    // (so berth adds no mount): that directory is where the files must go.
    // Relative sources live under <stack dir>/data, as the Stack renders them.
    for (const std::string& v : svc->second.volumes) {
      auto m = stack::ParseVolume(v);
      if (!m.ok() || m->type != stack::VolumeMount::Type::kBind ||
          m->target != r.spec.container_conf_dir) {
        continue;
      }
      std::string src = m->source;
      if (m->relative()) {
        src = stack_dir + "/data/" + (src == "." ? "" : src.substr(2));
        while (src.size() > 1 && src.back() == '/') src.pop_back();
      }
      r.conf_dir = src;
    }
  }
  return r;
}

std::string ConfigDirIn(const std::string& config_path) {
  size_t slash = config_path.find_last_of('/');
  if (slash == 0 || slash == std::string::npos) return "/";
  return config_path.substr(0, slash);
}

std::string ConfigFileName(const std::string& config_path) {
  return config_path.substr(config_path.find_last_of('/') + 1);
}

}  // namespace berth::instance
