#include "controllers/stack/graph.h"

#include <algorithm>
#include <functional>
#include <set>

#include "operator/common/strings.h"

namespace berth::stack {

Status CheckGraph(const StackSpec& spec) {
  std::vector<FieldCause> causes;
  for (const auto& [name, svc] : spec.services) {
    for (const auto& [dep, cond] : svc.depends_on) {
      std::string path = "spec.services." + name + ".dependsOn." + dep;
      auto it = spec.services.find(dep);
      if (dep == name) {
        causes.push_back({path, "a service cannot depend on itself"});
      } else if (it == spec.services.end()) {
        causes.push_back({path, "Not found: no service named \"" + dep + "\" in this stack"});
      } else if (cond == DependCondition::kHealthy &&
                 !(it->second.healthcheck && it->second.healthcheck->enabled())) {
        causes.push_back({path, "\"healthy\" needs a healthcheck on service \"" + dep + "\""});
      } else if (cond == DependCondition::kCompleted && it->second.kind != ServiceKind::kJob) {
        causes.push_back({path, "\"completed\" needs service \"" + dep + "\" to be kind: job"});
      }
    }
  }
  // Cycle detection by depth-first search with colors; report each cycle once.
  std::map<std::string, int> color;  // 0 new, 1 on stack, 2 done
  std::vector<std::string> stack;
  std::set<std::string> reported;
  std::function<void(const std::string&)> visit = [&](const std::string& n) {
    color[n] = 1;
    stack.push_back(n);
    for (const auto& [dep, cond] : spec.services.at(n).depends_on) {
      if (!spec.services.count(dep) || dep == n) continue;
      if (color[dep] == 1) {
        auto start = std::find(stack.begin(), stack.end(), dep);
        std::vector<std::string> cycle(start, stack.end());
        cycle.push_back(dep);
        std::string key = *std::min_element(cycle.begin(), cycle.end() - 1);
        if (reported.insert(key).second) {
          causes.push_back({"spec.services." + n + ".dependsOn." + dep,
                            "dependency cycle: " + Join(cycle, " -> ")});
        }
      } else if (color[dep] == 0) {
        visit(dep);
      }
    }
    stack.pop_back();
    color[n] = 2;
  };
  for (const auto& [name, svc] : spec.services) {
    if (color[name] == 0) visit(name);
  }
  if (!causes.empty()) return Status::Invalid("invalid service dependencies", std::move(causes));
  return Status::Ok();
}

std::vector<std::string> TopologicalOrder(const StackSpec& spec) {
  std::map<std::string, int> pending;
  for (const auto& [name, svc] : spec.services) {
    int n = 0;
    for (const auto& [dep, cond] : svc.depends_on) n += spec.services.count(dep) ? 1 : 0;
    pending[name] = n;
  }
  std::vector<std::string> order;
  std::set<std::string> ready;
  for (const auto& [name, n] : pending) {
    if (n == 0) ready.insert(name);
  }
  while (!ready.empty()) {
    std::string next = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(next);
    for (const auto& [name, svc] : spec.services) {
      if (svc.depends_on.count(next) && --pending[name] == 0) ready.insert(name);
    }
  }
  // Anything left is on a cycle (CheckGraph rejects those); keep it, by name.
  for (const auto& [name, n] : pending) {
    if (n > 0) order.push_back(name);
  }
  return order;
}

std::vector<std::string> TransitiveDependencies(const StackSpec& spec, const std::string& name) {
  std::set<std::string> seen;
  std::vector<std::string> todo = {name};
  while (!todo.empty()) {
    std::string cur = todo.back();
    todo.pop_back();
    auto it = spec.services.find(cur);
    if (it == spec.services.end()) continue;
    for (const auto& [dep, cond] : it->second.depends_on) {
      if (dep != name && seen.insert(dep).second) todo.push_back(dep);
    }
  }
  return {seen.begin(), seen.end()};
}

}  // namespace berth::stack
