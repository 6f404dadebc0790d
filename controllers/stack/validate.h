// Apply-time checks of a Stack beyond its schema, so a bad Stack is refused
// before anything runs. Pure: the admission hook gathers the other Stacks.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "controllers/stack/stack_spec.h"
#include "operator/api/object.h"

namespace berth::stack {

struct OtherStack {
  api::ObjectRef ref;
  StackSpec spec;
};

// Invalid, with one cause per problem and its field path:
// - dependsOn: unknown services, self-dependencies, cycles, "healthy" on a
//   service without a healthcheck, "completed" on a non-job (graph.h);
// - ports: unparsable, or a host port published twice (within this Stack or
//   by another Stack; 0.0.0.0 clashes with every address);
// - ports on a service whose networks are all internal (unreachable);
// - networks and named volumes a service uses but spec does not declare;
// - a URL in a service's env or literal config file that points back at the
//   service itself (FindSelfLoop): a proxy loop (seed 000's gpt-load/LiteLLM
//   warning). Env names that carry the service's own address by design
//   (issuer, public URL, callback, ..., or <SERVICE>_URL/<SERVICE>_BASE_URL)
//   are exempt;
// - containerName used twice (here or by another Stack);
// - router.service / router.network naming nothing.
Status ValidateStack(const api::ObjectRef& ref, const StackSpec& spec,
                     const std::vector<OtherStack>& others);

// URLs ("scheme://host[:port]...") found in free text, as (host, port) with
// the scheme's default port when none is written. For loop checks elsewhere
// (Providers) too.
std::vector<std::pair<std::string, int>> FindUrls(const std::string& text);

// How a service (or an Instance) is addressed, from inside its networks and
// from its own container:
//  - `names` (service key, containerName, hostname; lowercase) on one of its
//    container `ports` (any port when it declares none);
//  - the loopback forms (localhost, 127.0.0.0/8, [::1], 0.0.0.0, [::]) on a
//    container port or a host port it publishes;
//  - host.docker.internal on a host port it publishes (`host_ports`);
//  - `routed_names` on any port: hosts a router sends to it (an Instance's
//    <slug>.<baseDomain>).
struct SelfAddress {
  std::set<std::string> names;
  std::set<int> ports;
  std::set<int> host_ports;
  std::set<std::string> routed_names;
};
SelfAddress ServiceSelfAddress(const api::ObjectRef& stack, const ServiceSpec& svc);
// "host:port" of the first URL in `text` that reaches `self` (a request to
// it would loop back into the service), followed by how when it is not one
// of its names (", its published host port"), or "".
std::string FindSelfLoop(const SelfAddress& self, const std::string& text);

}  // namespace berth::stack
