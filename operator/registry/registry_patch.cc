// Patch: merge patch, JSON patch, and apply (create or three-way merge).
#include "operator/api/codec.h"
#include "operator/api/patch.h"
#include "operator/registry/registry.h"

namespace berth::registry {
namespace {

constexpr int kMaxConflictRetries = 20;
constexpr const char* kLastApplied = "berth.dev/last-applied";

// The manifest as recorded for the next apply: without the record itself and
// without server-owned fields; a Secret's values as hashes (HashSecretValues).
Json ForLastApplied(Json manifest, std::string_view kind) {
  if (kind == "Secret") manifest = HashSecretValues(std::move(manifest));
  if (manifest.contains("metadata") && manifest["metadata"].is_object()) {
    Json& m = manifest["metadata"];
    if (m.contains("annotations") && m["annotations"].is_object()) {
      m["annotations"].erase(kLastApplied);
      if (m["annotations"].empty()) m.erase("annotations");
    }
    m.erase("resourceVersion");
    m.erase("uid");
    m.erase("creationTimestamp");
    m.erase("generation");
  }
  manifest.erase("status");
  return manifest;
}

}  // namespace

Result<Object> Registry::Patch(std::string_view kind, std::string_view ns, std::string_view name,
                               PatchType type, std::string_view body, bool status,
                               const WriteOptions& opts, bool* created) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* info, Kind(kind));
  if (created != nullptr) *created = false;
  Json patch;
  if (type == PatchType::kApply) {
    auto parsed = api::ParseYaml(body);
    if (!parsed.ok()) return Status::BadRequest("apply body: " + parsed.status().message());
    patch = std::move(*parsed);
    if (!patch.is_object()) return Status::BadRequest("apply body must be an object");
  } else {
    BERTH_ASSIGN_OR_RETURN(patch, api::ParseJson(body));
  }

  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    auto cur = Read(*info, ns, name);
    if (!cur.ok()) {
      if (cur.status().code() == Code::kNotFound && type == PatchType::kApply && !status) {
        Object obj(ForLastApplied(patch, ""));
        obj.mutable_metadata()["annotations"][kLastApplied] =
            ForLastApplied(patch, info->kind).dump();
        if (obj.name().empty()) obj.set_name(name);
        if (info->namespaced && obj.ns().empty()) obj.set_ns(NormalizeNs(*info, ns));
        auto made = Create(std::move(obj), opts);
        if (!made.ok() && made.status().code() == Code::kAlreadyExists) continue;
        if (made.ok() && created != nullptr) *created = true;
        return made;
      }
      return cur.status();
    }
    Json patched;
    switch (type) {
      case PatchType::kMerge: {
        BERTH_ASSIGN_OR_RETURN(patched, api::ApplyMergePatch(cur->obj.json(), patch));
        break;
      }
      case PatchType::kJson: {
        BERTH_ASSIGN_OR_RETURN(patched, api::ApplyJsonPatch(cur->obj.json(), patch));
        break;
      }
      case PatchType::kApply: {
        Object current = cur->obj;
        Json original = Json::object();
        auto ann = current.annotations();
        if (auto it = ann.find(kLastApplied); it != ann.end()) {
          original = Json::parse(it->second, nullptr, false);
          if (original.is_discarded()) original = Json::object();
        }
        Json modified = ForLastApplied(patch, "");
        Json three_way = api::ThreeWayMergePatch(original, modified, current.json());
        BERTH_ASSIGN_OR_RETURN(patched, api::ApplyMergePatch(current.json(), three_way));
        patched["metadata"]["annotations"][kLastApplied] = ForLastApplied(patch, info->kind).dump();
        break;
      }
    }
    Object next(std::move(patched));
    // A patch may carry a resourceVersion as a precondition; otherwise it
    // applies to what was just read, and a concurrent write retries.
    std::string precondition;
    if (type != PatchType::kApply && patch.is_object() && patch.contains("metadata") &&
        patch["metadata"].is_object() && patch["metadata"].contains("resourceVersion")) {
      precondition = next.resource_version();
    } else {
      next.set_resource_version(cur->obj.resource_version());
    }
    if (next.name() != cur->obj.name() || next.ns() != cur->obj.ns()) {
      return Status::Invalid("a patch cannot change metadata.name or metadata.namespace",
                             {{"metadata.name", "field is immutable"}});
    }
    auto res = status ? UpdateStatus(std::move(next), opts) : Update(std::move(next), opts);
    if (!res.ok() && res.status().code() == Code::kConflict && precondition.empty()) continue;
    return res;
  }
  return Status::Conflict("too many concurrent writes to " + info->plural + " \"" +
                          std::string(name) + "\"");
}

}  // namespace berth::registry
