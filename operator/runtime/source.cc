#include "operator/runtime/source.h"

#include "operator/common/log.h"
#include "operator/runtime/controller.h"

namespace berth::runtime {

Result<std::optional<api::ObjectRef>> OwnerFromLabels(
    const std::map<std::string, std::string>& labels) {
  auto managed = labels.find(std::string(kManagedByLabel));
  if (managed == labels.end() || managed->second != kManagedByValue) {
    return std::optional<api::ObjectRef>();
  }
  auto owner = labels.find(std::string(kOwnerLabel));
  if (owner == labels.end()) return std::optional<api::ObjectRef>();
  api::ObjectRef ref;
  if (!api::ObjectRef::Parse(owner->second, &ref)) {
    return Status::BadRequest("label " + std::string(kOwnerLabel) + "=\"" + owner->second +
                              "\" is not <Kind>/<namespace>/<name>");
  }
  return std::optional<api::ObjectRef>(std::move(ref));
}

std::function<void(const std::map<std::string, std::string>&)> EnqueueOwnerFromLabels(
    Controller& controller, std::string kind) {
  return [&controller, kind = std::move(kind)](const std::map<std::string, std::string>& labels) {
    auto owner = OwnerFromLabels(labels);
    if (!owner.ok()) {
      spdlog::warn("controller {}: ignoring event: {}", controller.name(),
                   owner.status().message());
      return;
    }
    if (!owner->has_value()) return;
    if (!kind.empty() && (*owner)->kind != kind) return;
    controller.Enqueue(**owner);
  };
}

}  // namespace berth::runtime
