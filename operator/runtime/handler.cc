#include "operator/runtime/handler.h"

#include <algorithm>

#include "operator/runtime/controller.h"
#include "operator/runtime/source.h"

namespace berth::runtime {

EventHandler EnqueueSelf(Controller& controller) {
  EventHandler h;
  h.on_add = [&controller](const api::Object& o) { controller.Enqueue(o.ref()); };
  h.on_update = [&controller](const api::Object&, const api::Object& o) {
    controller.Enqueue(o.ref());
  };
  h.on_delete = [&controller](const api::Object& o) { controller.Enqueue(o.ref()); };
  return h;
}

std::vector<api::ObjectRef> OwnersOf(const api::Object& obj, std::string_view owner_kind,
                                     bool owner_namespaced) {
  std::vector<api::ObjectRef> owners;
  auto it = obj.metadata().find("ownerReferences");
  if (it != obj.metadata().end() && it->is_array()) {
    for (const api::Json& ref : *it) {
      if (!ref.is_object()) continue;
      auto kind = ref.find("kind");
      auto name = ref.find("name");
      if (kind == ref.end() || name == ref.end() || !kind->is_string() || !name->is_string()) {
        continue;
      }
      if (kind->get<std::string>() != owner_kind || name->get<std::string>().empty()) continue;
      api::ObjectRef owner{std::string(owner_kind), owner_namespaced ? obj.ns() : "",
                           name->get<std::string>()};
      if (std::find(owners.begin(), owners.end(), owner) == owners.end()) {
        owners.push_back(std::move(owner));
      }
    }
  }
  if (!owners.empty()) return owners;
  auto labels = obj.labels();
  auto label = labels.find(std::string(kOwnerLabel));
  api::ObjectRef owner;
  if (label != labels.end() && api::ObjectRef::Parse(label->second, &owner) &&
      owner.kind == owner_kind) {
    owners.push_back(std::move(owner));
  }
  return owners;
}

EventHandler EnqueueOwner(Controller& controller, std::string owner_kind, bool owner_namespaced) {
  auto enqueue = [&controller, owner_kind, owner_namespaced](const api::Object& o) {
    for (const auto& ref : OwnersOf(o, owner_kind, owner_namespaced)) controller.Enqueue(ref);
  };
  EventHandler h;
  h.on_add = enqueue;
  h.on_update = [enqueue](const api::Object& old_obj, const api::Object& new_obj) {
    enqueue(old_obj);
    enqueue(new_obj);
  };
  h.on_delete = enqueue;
  return h;
}

}  // namespace berth::runtime
