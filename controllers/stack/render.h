// Rendering: a Stack service, plus the values its references resolve to,
// becomes the Docker container to create and the files to write beforehand;
// and the spec hash that tells whether a running container is up to date.
// Pure functions: the caller resolves Secrets and Providers and does the I/O.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"
#include "operator/common/result.h"
#include "operator/docker/types.h"

namespace berth::stack {

// Everything a service's references resolve to, gathered by the reconciler.
struct RenderInputs {
  api::ObjectRef stack;
  std::string stack_dir;    // host dir for relative binds and config files
  std::string secrets_dir;  // host dir (0700) for secret files
  // (secret name, key) -> decoded value. A missing entry is an error naming it.
  std::map<std::pair<std::string, std::string>, std::string> secrets;
  // (provider name, field) -> value; field "apiKey" is a secret value.
  std::map<std::pair<std::string, std::string>, std::string> providers;
  // (service, container path) -> rendered content of a `render` configFile.
  std::map<std::pair<std::string, std::string>, std::string> rendered_configs;
  std::map<std::string, std::string> network_names;  // network key -> Docker name
  std::map<std::string, std::string> volume_names;   // volume key -> Docker name
  std::vector<std::string> gpu_devices;              // assigned by placement, if any
};

// A file to write on the host before the container is created.
struct HostFile {
  std::string path;
  std::string content;
  unsigned mode = 0444;
  bool secret = false;  // lives under secrets_dir; never logged
};

struct RenderedService {
  docker::ContainerSpec container;  // labels include owner, service, role; not the hash
  std::vector<HostFile> files;
  std::vector<std::string> bind_dirs;  // relative bind sources to create (absolute paths)
  // Of this service alone (see EffectiveHashes): `spec_hash` covers what the
  // user wrote (image, env literals, ports, literal config files, ...);
  // `content_hash` what references resolve to: a SHA-256 of each value a
  // secretRef/providerRef env var receives (only the key or field it names,
  // so another key of the same Secret, or another field of the Provider,
  // changes nothing) and of each rendered config file. Those digests are
  // only ever mixed into this hash, never shown on their own.
  std::string spec_hash;
  std::string content_hash;
};

// Where a secret (or provider key) file is mounted in the container.
std::string SecretMountPath(const std::string& secret, const std::string& key);

Result<RenderedService> RenderService(const StackSpec& spec, const ServiceSpec& svc,
                                      const RenderInputs& in);

// The berth.dev/spec-hash label of each service: its own spec and content
// hashes combined with the spec hashes of everything it depends on, so that a
// changed spec rolls the service and its dependents, while changed content (a
// rotated Secret, a re-rendered provider config) rolls only its consumer.
// Keys: service names.
std::map<std::string, std::string> EffectiveHashes(
    const StackSpec& spec, const std::map<std::string, RenderedService>& rendered);

}  // namespace berth::stack
