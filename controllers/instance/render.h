// Rendering an Instance: its template, its own env and the values references
// resolve to become the Docker container to run (through the Stack
// controller's RenderService, so env, secrets, health checks and resources
// behave exactly as for Stack services), and its route. Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "controllers/instance/naming.h"
#include "controllers/instance/template.h"
#include "controllers/router/nginx_conf.h"
#include "controllers/stack/render.h"
#include "operator/api/object.h"

namespace berth::instance {

struct RenderInput {
  api::ObjectRef instance;  // Instance/<ns>/<name>: the owner label
  std::string user;
  std::string slug;
  const InstanceTemplate* tmpl = nullptr;
  const RouterInfo* router = nullptr;
  std::map<std::string, stack::EnvSource>
      env;  // spec.env: added to, and overriding, the template's
  InstanceDirs dirs;
  // Secret and Provider values the env references resolve to (secrets,
  // providers); the rest is filled in.
  stack::RenderInputs refs;
};

struct RenderedInstance {
  // Labels: berth's (owner Instance/<ns>/<name>, role instance, spec-hash)
  // over the template's. Mounts: the data directory at dataPath, the config
  // directory (read-only) at configPath's directory, secret files.
  docker::ContainerSpec container;
  std::vector<stack::HostFile> files;  // secret env files to write first
  std::string hash;                    // also in the berth.dev/spec-hash label
};

// Invalid with field paths when a reference cannot be resolved.
Result<RenderedInstance> RenderInstance(const RenderInput& in);

// The environment berth gives every Instance: BERTH_INSTANCE, BERTH_USER,
// BERTH_SLUG, BERTH_HOST and BERTH_URL.
std::map<std::string, std::string> InstanceEnv(const RenderInput& in);

// status.configHash: 16 hex digits of a SHA-256 over `store_key` (the store's
// identity, the cluster id, which no API read shows) and the rendered config
// file. The file holds an API key, so the digest is keyed: who can read the
// status cannot test guesses of the key against it.
std::string ConfigDigest(const std::string& store_key, const std::string& content);

// The route of a rendered Instance in its router.
router::RouteSpec RouteFor(const RenderInput& in);

}  // namespace berth::instance
