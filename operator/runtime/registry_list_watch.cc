// The registry-backed ListerWatcher, and the Informer constructor that uses
// it. Kept apart from informer.cc so tests with a fake ListerWatcher do not
// link the registry.
#include <utility>

#include "operator/runtime/informer.h"

namespace berth::runtime {
namespace {

class RegistryListerWatcher final : public ListerWatcher {
 public:
  RegistryListerWatcher(registry::Registry& registry, std::string kind, std::string ns,
                        std::string label_selector)
      : registry_(registry),
        kind_(std::move(kind)),
        ns_(std::move(ns)),
        selector_(std::move(label_selector)) {}

  Result<registry::ObjectList> List() override {
    registry::ListOptions opts;
    opts.label_selector = selector_;
    return registry_.List(kind_, ns_, opts);
  }

  Result<std::unique_ptr<registry::ObjectWatch>> Watch(
      const std::string& resource_version) override {
    registry::WatchOptions opts;
    // "0"/"" would replay every object as ADDED; a list always has a revision.
    opts.resource_version = resource_version.empty() ? "0" : resource_version;
    opts.label_selector = selector_;
    return registry_.Watch(kind_, ns_, opts);
  }

 private:
  registry::Registry& registry_;
  const std::string kind_;
  const std::string ns_;
  const std::string selector_;
};

}  // namespace

std::unique_ptr<ListerWatcher> NewRegistryListerWatcher(registry::Registry& registry,
                                                        std::string kind, std::string ns,
                                                        std::string label_selector) {
  return std::make_unique<RegistryListerWatcher>(registry, std::move(kind), std::move(ns),
                                                 std::move(label_selector));
}

Informer::Informer(registry::Registry& registry, InformerOptions opts)
    : Informer(NewRegistryListerWatcher(registry, opts.kind, opts.ns, opts.label_selector), opts) {}

}  // namespace berth::runtime
