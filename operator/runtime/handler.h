// Informer event handlers, and the usual ones: enqueue the object itself, or
// the object that owns it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"

namespace berth::runtime {

class Controller;

// Called by an informer on its own thread, after its cache has been updated,
// one call at a time and in the order of the changes. Any member may be empty.
// A periodic resync calls on_update(obj, obj) for every cached object.
// Handlers must be quick (typically they enqueue keys) and must not block.
struct EventHandler {
  std::function<void(const api::Object& obj)> on_add;
  std::function<void(const api::Object& old_obj, const api::Object& new_obj)> on_update;
  // `obj` is the last state the informer knew.
  std::function<void(const api::Object& obj)> on_delete;
};

// Enqueues the object's own key in `controller` on every add, update and delete.
// `controller` must outlive the informer the handler is added to.
EventHandler EnqueueSelf(Controller& controller);

// The owners of `obj` of kind `owner_kind`: first from metadata.ownerReferences
// (owners are in obj's namespace, or cluster-scoped when `owner_namespaced` is
// false), otherwise from the berth.dev/owner label ("Kind/ns/name").
std::vector<api::ObjectRef> OwnersOf(const api::Object& obj, std::string_view owner_kind,
                                     bool owner_namespaced = true);

// Enqueues the owners (see OwnersOf) of the object in `controller`; on update,
// the owners of both the old and the new object.
EventHandler EnqueueOwner(Controller& controller, std::string owner_kind,
                          bool owner_namespaced = true);

}  // namespace berth::runtime
