#include "operator/cli/apply_plan.h"

#include <map>

#include "operator/api/meta.h"
#include "operator/cli/kinds.h"

namespace berth::cli {
namespace {

void AddLines(const ManifestObject& m, const Status& st, std::vector<std::string>* errors) {
  for (auto& line : ErrorLines(m, st)) errors->push_back(std::move(line));
}

}  // namespace

std::vector<PlanItem> PrepareItems(const api::Catalog& catalog,
                                   const std::vector<ManifestObject>& objects,
                                   const NamespaceChoice& ns, bool validate,
                                   std::vector<std::string>* errors) {
  std::vector<PlanItem> out;
  std::map<std::string, const ManifestObject*> seen;  // "Kind/ns/name" -> first source
  for (const ManifestObject& m : objects) {
    PlanItem item;
    item.source = &m;
    item.object = m.object;
    std::string kind_name = m.object.kind();
    if (kind_name.empty()) {
      AddLines(m, Status::Invalid("", {{"kind", "Required value"}}), errors);
      continue;
    }
    item.kind = catalog.Find(kind_name);
    if (item.kind == nullptr || item.kind->kind != kind_name) {
      auto resolved = ResolveKind(catalog, kind_name);
      std::string why = resolved.ok() ? "unknown kind \"" + kind_name + "\": did you mean " +
                                            (*resolved)->kind + "?"
                                      : resolved.status().message();
      AddLines(m, Status::Invalid("", {{"kind", why}}), errors);
      continue;
    }
    std::string obj_ns = m.object.ns();
    if (item.kind->namespaced) {
      if (obj_ns.empty()) {
        item.ns = ns.ns;
        item.object.set_ns(ns.ns);
      } else if (ns.is_explicit && obj_ns != ns.ns) {
        AddLines(m,
                 Status::Invalid("", {{"metadata.namespace",
                                       "the object's namespace \"" + obj_ns +
                                           "\" does not match --namespace \"" + ns.ns + "\""}}),
                 errors);
        continue;
      } else {
        item.ns = obj_ns;
      }
    } else if (!obj_ns.empty()) {
      item.object.mutable_metadata().erase("namespace");  // cluster-scoped: no namespace
    }
    if (validate) {
      std::vector<FieldCause> causes;
      Status meta = api::ValidateMetadata(item.object, item.kind->namespaced);
      causes = meta.causes();
      if (!meta.ok() && causes.empty()) causes.push_back({"metadata", meta.message()});
      api::Json copy = item.object.json();
      Status schema = catalog.Validate(copy);
      for (const auto& c : schema.causes()) {
        if (std::find(causes.begin(), causes.end(), c) == causes.end()) causes.push_back(c);
      }
      if (!schema.ok() && schema.causes().empty()) causes.push_back({"", schema.message()});
      if (!causes.empty()) {
        AddLines(m, Status::Invalid("", causes), errors);
        continue;
      }
    } else if (item.object.name().empty()) {
      AddLines(m, Status::Invalid("", {{"metadata.name", "Required value"}}), errors);
      continue;
    }
    std::string key = item.kind->kind + "/" + item.ns + "/" + item.object.name();
    if (auto [it, inserted] = seen.emplace(key, &m); !inserted) {
      AddLines(m,
               Status::Invalid("", {{"metadata.name", "duplicate of " + it->second->Label() +
                                                          ": an object may appear only once"}}),
               errors);
      continue;
    }
    out.push_back(std::move(item));
  }
  return out;
}

bool IsConnectionError(const Status& s) {
  return s.code() == Code::kUnavailable || s.code() == Code::kUnauthorized ||
         s.code() == Code::kTimeout;
}

Status FetchLive(ApiClient& client, std::vector<PlanItem>& items,
                 std::vector<std::string>* errors) {
  for (PlanItem& item : items) {
    auto live = client.Get(*item.kind, item.ns, item.object.name());
    if (live.ok()) {
      item.live = std::move(live).value();
    } else if (live.status().code() != Code::kNotFound) {
      if (IsConnectionError(live.status())) return live.status();
      AddLines(*item.source, live.status(), errors);
    }
  }
  return Status::Ok();
}

Result<api::Object> WriteItem(ApiClient& client, const PlanItem& item,
                              const WriteSettings& settings, bool dry_run) {
  WriteOptions o;
  o.dry_run = dry_run;
  if (settings.mode == WriteMode::kCreate) {
    return client.Create(*item.kind, item.ns, item.object, o);
  }
  // JSON is YAML: the apply-patch body is the manifest object as JSON.
  return client.Patch(*item.kind, item.ns, item.object.name(), PatchType::kApply,
                      item.object.json().dump(), o);
}

Status ServerDryRun(ApiClient& client, std::vector<PlanItem>& items, const WriteSettings& settings,
                    std::vector<std::string>* errors) {
  for (PlanItem& item : items) {
    auto merged = WriteItem(client, item, settings, /*dry_run=*/true);
    if (merged.ok()) {
      item.merged = std::move(merged).value();
    } else {
      if (IsConnectionError(merged.status())) return merged.status();
      AddLines(*item.source, merged.status(), errors);
    }
  }
  return Status::Ok();
}

api::Json Comparable(const api::Json& object) {
  api::Json j = object;
  if (auto m = j.find("metadata"); m != j.end() && m->is_object()) {
    m->erase("managedFields");
    m->erase("resourceVersion");
    m->erase("generation");
    if (auto a = m->find("annotations"); a != m->end() && a->is_object()) {
      a->erase(kLastAppliedAnnotation);
      a->erase(kKubectlLastAppliedAnnotation);
      if (a->empty()) m->erase("annotations");
    }
  }
  return j;
}

}  // namespace berth::cli
