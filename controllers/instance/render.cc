#include "controllers/instance/render.h"

#include "operator/api/labels.h"
#include "operator/common/strings.h"

namespace berth::instance {

namespace labels = api::labels;

std::map<std::string, std::string> InstanceEnv(const RenderInput& in) {
  return {{"BERTH_INSTANCE", in.instance.name},
          {"BERTH_USER", in.user},
          {"BERTH_SLUG", in.slug},
          {"BERTH_HOST", Host(in.slug, in.router->spec)},
          {"BERTH_URL", Url(in.slug, in.router->spec)}};
}

Result<RenderedInstance> RenderInstance(const RenderInput& in) {
  const InstanceTemplate& t = *in.tmpl;
  stack::ServiceSpec svc = t.service;
  for (const auto& [k, v] : InstanceEnv(in)) {
    svc.env[k] = stack::EnvSource{stack::EnvSource::Type::kLiteral, v, "", "", false};
  }
  for (const auto& [k, v] : in.env) svc.env[k] = v;
  svc.container_name = ContainerName(in.instance.ns, in.slug);
  svc.hostname = in.slug;
  svc.networks = {in.router->network_key};
  svc.volumes = {in.dirs.data + ":" + t.data_path};

  stack::RenderInputs refs = in.refs;
  refs.stack = in.instance;
  refs.stack_dir = in.dirs.root;
  refs.secrets_dir = in.dirs.secrets;
  refs.network_names = {{in.router->network_key, in.router->network_name}};
  refs.volume_names.clear();
  refs.rendered_configs.clear();

  // An empty Stack spec: the template is rendered as a lone service.
  auto r = stack::RenderService(stack::StackSpec{}, svc, refs);
  if (!r.ok()) {
    std::vector<FieldCause> causes;
    for (FieldCause c : r.status().causes()) {
      // Paths as the user wrote them: the template's env, or the Instance's.
      std::string svc_path = "spec.services." + svc.name + ".env.";
      if (c.field.starts_with(svc_path)) {
        std::string var = c.field.substr(svc_path.size());
        c.field = in.env.count(var) ? "spec.env." + var
                                    : "spec.instanceTemplates." + t.name + ".env." + var;
      }
      causes.push_back(std::move(c));
    }
    return Status::Invalid("cannot render the Instance's container", causes);
  }

  RenderedInstance out;
  out.container = std::move(r->container);
  out.files = std::move(r->files);
  docker::ContainerSpec& c = out.container;
  c.labels[labels::kRole] = "instance";
  for (auto& n : c.networks) n.aliases.clear();  // reached by container name only
  std::string config_dir = ConfigDirIn(t.config_path);
  c.mounts.push_back({docker::Mount::Type::kBind, in.dirs.config, config_dir, true});
  out.hash = Sha256Hex(r->spec_hash + "|" + r->content_hash + "|" + config_dir).substr(0, 16);
  c.labels[labels::kSpecHash] = out.hash;
  return out;
}

std::string ConfigDigest(const std::string& store_key, const std::string& content) {
  return Sha256Hex("berth-instance-config|" + std::to_string(store_key.size()) + ":" + store_key +
                   "|" + content)
      .substr(0, 16);
}

router::RouteSpec RouteFor(const RenderInput& in) {
  router::RouteSpec r;
  r.owner = in.instance.ns + "/" + in.instance.name;
  r.server_name = Host(in.slug, in.router->spec);
  r.upstream_host = ContainerName(in.instance.ns, in.slug);
  r.upstream_port = in.tmpl->port;
  r.listen_port = in.router->listen_port;
  r.streaming = in.router->spec.streaming;
  r.https = in.router->spec.public_scheme == "https";
  r.extra = in.tmpl->route_config;
  return r;
}

}  // namespace berth::instance
