// Docker names of a Stack's containers, networks and volumes. Deterministic,
// so a restarted berth finds what it made. Pure functions.
#pragma once

#include <string>

#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"

namespace berth::stack {

// "<ns>-" for namespaces other than "default", "" otherwise.
std::string NamespacePrefix(const std::string& ns);
// containerName when set, else "[<ns>-]<stack>-<service>".
std::string ContainerName(const api::ObjectRef& stack, const ServiceSpec& svc);
// External: decl.name or the key. Others: decl.name or "[<ns>_]<stack>_<key>".
std::string NetworkName(const api::ObjectRef& stack, const NetworkDecl& decl);
// External: decl.name or the key. Others: decl.name or "[<ns>_]<stack>_<key>".
std::string VolumeName(const api::ObjectRef& stack, const VolumeDecl& decl);
// Host directory of a Stack's own files: <data_dir>/stacks/<ns>/<name>.
std::string StackDataDir(const std::string& data_dir, const api::ObjectRef& stack);
// Host directory of the router's conf.d files: router.confDir, else
// <stack_dir>/router/conf.d. The router service gets it mounted (render.h).
std::string RouterConfDir(const std::string& stack_dir, const RouterSpec& router);

}  // namespace berth::stack
