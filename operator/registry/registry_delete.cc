// Deletion: finalizers, preconditions and the propagation policy.
#include "operator/common/log.h"
#include "operator/common/time_format.h"
#include "operator/registry/registry.h"

namespace berth::registry {
namespace {

constexpr int kMaxConflictRetries = 20;

bool OwnedBy(const Object& obj, const std::string& uid) {
  const Json& m = obj.metadata();
  auto it = m.find("ownerReferences");
  if (it == m.end() || !it->is_array()) return false;
  for (const auto& ref : *it) {
    if (ref.is_object() && ref.value("uid", "") == uid) return true;
  }
  return false;
}

}  // namespace

Result<Object> Registry::Delete(std::string_view kind, std::string_view ns, std::string_view name,
                                const DeleteOptions& opts) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* info, Kind(kind));
  const std::string& policy = opts.propagation_policy;
  if (!policy.empty() && policy != "Background" && policy != "Foreground" && policy != "Orphan") {
    return Status::Invalid("propagationPolicy must be Background, Foreground or Orphan",
                           {{"propagationPolicy", "Unsupported value: \"" + policy + "\""}});
  }
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    BERTH_ASSIGN_OR_RETURN(Stored cur, Read(*info, ns, name));
    if (!opts.precondition_uid.empty() && opts.precondition_uid != cur.obj.uid()) {
      return Status::Conflict("Precondition failed: UID in precondition: " + opts.precondition_uid +
                              ", UID in object meta: " + cur.obj.uid());
    }
    if (!opts.precondition_resource_version.empty() &&
        opts.precondition_resource_version != cur.obj.resource_version()) {
      return Status::Conflict("Precondition failed: ResourceVersion in precondition: " +
                              opts.precondition_resource_version +
                              ", ResourceVersion in object meta: " + cur.obj.resource_version());
    }
    if (opts.dry_run) return cur.obj;
    if (policy == "Orphan") OrphanDependents(cur.obj.uid());

    Object next = cur.obj;
    for (const auto& [k, v] : opts.annotations) next.mutable_metadata()["annotations"][k] = v;
    // Foreground: the owner stays, marked, until the garbage collector has
    // seen its dependents gone and removes this finalizer.
    if (policy == "Foreground") next.AddFinalizer(kForegroundDeletion);
    Result<Object> res = Status::Internal("unreachable");
    if (next.finalizers().empty()) {
      res = RemoveFromStore(*info, Stored{std::move(next), cur.revision});
    } else {
      if (!next.being_deleted()) {
        next.mutable_metadata()["deletionTimestamp"] = FormatRfc3339(clock_.Now());
        next.mutable_metadata()["deletionGracePeriodSeconds"] = 0;
      }
      res = Commit(*info, cur, std::move(next), false);
    }
    if (!res.ok() && res.status().code() == Code::kConflict &&
        opts.precondition_resource_version.empty()) {
      continue;
    }
    return res;
  }
  return Status::Conflict("too many concurrent writes to " + info->plural + " \"" +
                          std::string(name) + "\"");
}

Result<Object> Registry::RemoveFromStore(const api::KindInfo& kind, const Stored& cur) {
  auto rec = store_.Delete(Key(kind, cur.obj.ns(), cur.obj.name()), cur.revision);
  if (!rec.ok()) return rec.status();
  Object gone = cur.obj;
  gone.set_resource_version(std::to_string(rec->mod_revision));
  return gone;
}

void Registry::OrphanDependents(const std::string& owner_uid) {
  if (owner_uid.empty()) return;
  for (const api::KindInfo& k : catalog_.kinds()) {
    auto list = List(k.kind, "", {});
    if (!list.ok()) {
      spdlog::warn("orphaning the dependents of uid {}: listing {} failed: {}", owner_uid, k.plural,
                   list.status().ToString());
      continue;
    }
    for (const Object& dep : list->items) {
      if (!OwnedBy(dep, owner_uid)) continue;
      auto r = Mutate(k.kind, dep.ns(), dep.name(), [&](Object& o) {
        Json& refs = o.mutable_metadata()["ownerReferences"];
        Json kept = Json::array();
        for (const auto& ref : refs) {
          if (!(ref.is_object() && ref.value("uid", "") == owner_uid)) kept.push_back(ref);
        }
        if (kept.empty()) {
          o.mutable_metadata().erase("ownerReferences");
        } else {
          refs = std::move(kept);
        }
        return Status::Ok();
      });
      if (!r.ok() && r.status().code() != Code::kNotFound) {
        spdlog::warn("orphaning {} (owner uid {}): {}", dep.ref().ToString(), owner_uid,
                     r.status().ToString());
      }
    }
  }
}

}  // namespace berth::registry
