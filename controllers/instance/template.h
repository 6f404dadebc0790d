// What an Instance is made from: its Stack's instanceTemplates entry (as a
// Stack service, so the Stack controller's renderer can build the container)
// and the Stack's router. Pure functions over a parsed Stack spec.
#pragma once

#include <string>

#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::instance {

struct InstanceTemplate {
  std::string name;
  // image, command, env, healthcheck, restart, user, labels, resources; no
  // ports (the router reaches the container over the router network).
  stack::ServiceSpec service;
  int port = 0;
  std::string data_path = "/data";
  std::string config_path = "/app/config/config.json";
  std::string route_config;  // extra nginx directives for the route's location
  // The Stack's spec.imagePullSecrets, for pulling `service.image`.
  std::vector<std::string> image_pull_secrets;
};

// spec.instanceTemplates[name] of a Stack. NotFound when the Stack has no
// such template; Invalid with paths under spec.instanceTemplates.<name>.
Result<InstanceTemplate> ParseTemplate(const stack::StackSpec& spec, const std::string& name);

// The names of a Stack's templates, sorted.
std::vector<std::string> TemplateNames(const stack::StackSpec& spec);

// A Stack's router as an Instance sees it.
struct RouterInfo {
  stack::RouterSpec spec;
  int listen_port = 80;      // spec.router.listenPort: where nginx listens in its container
  std::string network_key;   // router.network, else the router service's first network
  std::string network_name;  // its Docker name
  std::string conf_dir;      // host directory of the conf.d files
};

// The router of `stack` (whose data directory is `stack_dir`). NotFound when
// the Stack declares no router; Invalid when it names a missing service or
// network (admission normally refuses such a Stack).
Result<RouterInfo> RouterOf(const api::ObjectRef& stack, const stack::StackSpec& spec,
                            const api::Json& raw_spec, const std::string& stack_dir);

// The directory of a template's config file (mounted, so an atomic rewrite of
// the file is visible in the container) and the file's name in it.
std::string ConfigDirIn(const std::string& config_path);
std::string ConfigFileName(const std::string& config_path);

}  // namespace berth::instance
