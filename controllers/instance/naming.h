// Names, addresses and host directories of an Instance. Pure functions.
#pragma once

#include <string>

#include "controllers/stack/stack_spec.h"

namespace berth::instance {

// The Docker container name: "berth_<ns>_<slug>". '_' appears in neither a
// namespace nor a slug, so the name is unambiguous and never one a Stack
// service gets ("[<ns>-]<stack>-<service>"). Past 63 characters (a DNS label:
// the router resolves the name) the tail is replaced by a hash.
std::string ContainerName(const std::string& ns, const std::string& slug);

// "<slug>.<baseDomain>": the host the router matches.
std::string Host(const std::string& slug, const stack::RouterSpec& router);

// "<scheme>://<host>[:<port>]", the port left out when it is the scheme's
// default (http 80, https 443): http://alice.localhost:8088.
std::string Url(const std::string& slug, const stack::RouterSpec& router);

// Host directories of an Instance, under <data_dir>/instances/<ns>/<slug>
// (mode 0700): data/ (kept on deletion unless purged), config/ (the rendered
// provider config, mounted by directory) and secrets/ (env secret files).
struct InstanceDirs {
  std::string root;
  std::string data;
  std::string config;
  std::string secrets;
};
InstanceDirs DirsFor(const std::string& data_dir, const std::string& ns, const std::string& slug);

}  // namespace berth::instance
