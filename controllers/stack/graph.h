// The dependsOn graph of a Stack's services. Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "controllers/stack/stack_spec.h"

namespace berth::stack {

// Invalid with one cause per problem: a dependsOn naming an unknown service,
// a service depending on itself, a cycle (named "a -> b -> a"), a "healthy"
// dependency on a service without a healthcheck, a "completed" dependency on
// a service that is not a job.
Status CheckGraph(const StackSpec& spec);

// Services in an order where every service comes after its dependencies;
// ties broken by name, so the order is deterministic. Assumes CheckGraph OK.
std::vector<std::string> TopologicalOrder(const StackSpec& spec);

// Every service `name` depends on, directly or not.
std::vector<std::string> TransitiveDependencies(const StackSpec& spec, const std::string& name);

}  // namespace berth::stack
