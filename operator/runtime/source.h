// Event sources other than informers, and mapping external events back to the
// berth object that owns the thing they are about.
//
// The Docker event stream (wired in by the Docker layer, which this library
// does not depend on) calls a callback made by EnqueueOwnerFromLabels for each
// container/network/volume event; the callback reads berth's labels and
// enqueues the owner, so the owner's reconciler re-reads the world. The
// event's content is never passed on: reconcile is level-triggered.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "operator/api/labels.h"
#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::runtime {

class Controller;

// berth's labels on the Docker objects it owns (BRIEF §2; api/labels.h).
inline constexpr std::string_view kManagedByLabel = api::labels::kManagedBy;
inline constexpr std::string_view kManagedByValue = api::labels::kManagedByValue;
inline constexpr std::string_view kOwnerLabel = api::labels::kOwner;

// The owner named by `berth.dev/owner=<Kind>/<namespace>/<name>` (or
// "<Kind>/<name>" for a cluster-scoped owner). nullopt when the object is not
// berth's (no `berth.dev/managed-by=berth`: never touch it) or names no owner;
// BadRequest when the owner label is malformed.
Result<std::optional<api::ObjectRef>> OwnerFromLabels(
    const std::map<std::string, std::string>& labels);

// A callback for an external event stream: maps the event's labels to the
// owner and enqueues it in `controller` when the owner's kind is `kind` (any
// kind when empty). Malformed labels are logged at warn and ignored.
// `controller` must outlive the callback. Thread-safe.
std::function<void(const std::map<std::string, std::string>& labels)> EnqueueOwnerFromLabels(
    Controller& controller, std::string kind);

// Something the Manager runs while it leads, after caches synced and
// controllers started (e.g. the Docker event stream), and stops first.
class Runnable {
 public:
  virtual ~Runnable() = default;
  virtual std::string name() const = 0;
  // Starts background work and returns; an error aborts Manager::Start.
  virtual Status Start() = 0;
  // Stops it and waits for its threads. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace berth::runtime
