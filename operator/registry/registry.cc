#include "operator/registry/registry.h"

#include "operator/api/meta.h"
#include "operator/common/log.h"
#include "operator/common/strings.h"
#include "operator/common/time_format.h"

namespace berth::registry {
namespace {

constexpr int kMaxConflictRetries = 20;

// The parts of an object that its generation tracks: spec, or for kinds
// without spec (Secret) everything but metadata and status.
Json GenerationSubject(const Json& obj) {
  if (obj.contains("spec")) return obj["spec"];
  Json rest = obj;
  rest.erase("metadata");
  rest.erase("status");
  return rest;
}

std::string RandomSuffix(size_t n) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string hex = RandomHex(n);
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kAlphabet[std::stoi(hex.substr(2 * i, 2), nullptr, 16) % (sizeof kAlphabet - 1)];
  }
  return out;
}

// Metadata fields the server owns; clients cannot set or change them.
constexpr const char* kServerOwnedMeta[] = {"uid",
                                            "creationTimestamp",
                                            "generation",
                                            "deletionTimestamp",
                                            "deletionGracePeriodSeconds",
                                            "resourceVersion",
                                            "managedFields",
                                            "selfLink"};

}  // namespace

Registry::Registry(store::Store& store, const api::Catalog& catalog, Clock& clock)
    : store_(store), catalog_(catalog), clock_(clock) {}

void Registry::AddAdmission(const std::string& kind, std::shared_ptr<Admission> admission) {
  admissions_[kind].push_back(std::move(admission));
}

void Registry::SetTransformer(const std::string& kind, std::shared_ptr<Transformer> transformer) {
  transformers_[kind] = std::move(transformer);
}

std::string Registry::Key(const api::KindInfo& kind, std::string_view ns, std::string_view name) {
  std::string key = "/registry/" + kind.plural + "/";
  if (kind.namespaced) key += std::string(ns) + "/";
  return key + std::string(name);
}

Result<const api::KindInfo*> Registry::Kind(std::string_view kind) const {
  const api::KindInfo* info = catalog_.Find(kind);
  if (info == nullptr) {
    return Status::NotFound("the server doesn't have a resource type \"" + std::string(kind) +
                            "\"");
  }
  return info;
}

std::string Registry::NormalizeNs(const api::KindInfo& kind, std::string_view ns) const {
  if (!kind.namespaced) return "";
  return ns.empty() ? std::string(api::kDefaultNamespace) : std::string(ns);
}

Result<std::string> Registry::Encode(const api::KindInfo& kind, const Object& obj) {
  Json j = obj.json();
  if (j.contains("metadata")) j["metadata"].erase("resourceVersion");
  std::string text = j.dump();
  auto t = transformers_.find(kind.kind);
  if (t == transformers_.end()) return text;
  return t->second->Seal(text);
}

Result<Object> Registry::Decode(const api::KindInfo& kind, const store::Record& rec) {
  std::string text = rec.value;
  if (auto t = transformers_.find(kind.kind); t != transformers_.end()) {
    BERTH_ASSIGN_OR_RETURN(text, t->second->Open(rec.value));
  }
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Internal("stored value of " + rec.key + " is not a JSON object");
  }
  Object obj(std::move(j));
  obj.set_resource_version(std::to_string(rec.mod_revision));
  return obj;
}

Result<Registry::Stored> Registry::Read(const api::KindInfo& kind, std::string_view ns,
                                        std::string_view name) {
  auto rec = store_.Get(Key(kind, NormalizeNs(kind, ns), name));
  if (!rec.ok()) {
    if (rec.status().code() == Code::kNotFound) {
      return Status::NotFound(kind.plural + " \"" + std::string(name) + "\" not found");
    }
    return rec.status();
  }
  BERTH_ASSIGN_OR_RETURN(Object obj, Decode(kind, *rec));
  return Stored{std::move(obj), rec->mod_revision};
}

Status Registry::Admit(const api::KindInfo& kind, Operation op, Object& obj, const Object* old,
                       bool run_admission) {
  if (kind.kind == "Secret") {
    // Checked against the object as written (values before any admission
    // rewrote them), so that no form of a value survives in the error.
    Json written = obj.json();
    return ScrubSecretValues(AdmitChecks(kind, op, obj, old, run_admission), written);
  }
  return AdmitChecks(kind, op, obj, old, run_admission);
}

Status Registry::AdmitChecks(const api::KindInfo& kind, Operation op, Object& obj,
                             const Object* old, bool run_admission) {
  BERTH_RETURN_IF_ERROR(api::ValidateMetadata(obj, kind.namespaced));
  BERTH_RETURN_IF_ERROR(catalog_.Validate(obj.json()));
  if (!run_admission) return Status::Ok();
  if (auto it = admissions_.find(kind.kind); it != admissions_.end()) {
    for (const auto& a : it->second) BERTH_RETURN_IF_ERROR(a->Admit(op, obj, old));
  }
  return Status::Ok();
}

Result<Object> Registry::Create(Object obj, const WriteOptions& opts) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* kind, Kind(obj.kind()));
  if (obj.kind() != kind->kind) {
    return Status::Invalid("kind must be \"" + kind->kind + "\"", {{"kind", "Invalid value"}});
  }
  Json& meta = obj.mutable_metadata();
  for (const char* f : kServerOwnedMeta) meta.erase(f);
  if (kind->namespaced) {
    obj.set_ns(NormalizeNs(*kind, obj.ns()));
  } else if (meta.contains("namespace") && meta["namespace"] == "") {
    meta.erase("namespace");
  }
  if (obj.name().empty() && meta.contains("generateName") && meta["generateName"].is_string()) {
    obj.set_name(meta["generateName"].get<std::string>() + RandomSuffix(5));
  }
  if (kind->status_subresource) obj.json().erase("status");
  std::vector<std::string> fence_keys;
  if (auto it = admissions_.find(kind->kind); it != admissions_.end()) {
    for (const auto& a : it->second) {
      for (std::string& k : a->CreateFences(obj)) fence_keys.push_back(std::move(k));
    }
  }
  const std::string key = Key(*kind, obj.ns(), obj.name());
  const Object written = obj;
  for (int attempt = 0;; ++attempt) {
    // The fences first, then the checks that read what they guard.
    std::vector<store::TxnOp> ops;
    for (const std::string& f : fence_keys) {
      auto rec = store_.Get(f);
      if (!rec.ok() && rec.status().code() != Code::kNotFound) return rec.status();
      int64_t seq = rec.ok() ? std::strtoll(rec->value.c_str(), nullptr, 10) : 0;
      ops.push_back(rec.ok() ? store::TxnOp{store::TxnOp::Type::kUpdate, f, std::to_string(seq + 1),
                                            rec->mod_revision}
                             : store::TxnOp{store::TxnOp::Type::kCreate, f, "1", 0});
    }
    obj = written;
    BERTH_RETURN_IF_ERROR(Admit(*kind, Operation::kCreate, obj, nullptr, true));

    Json& m = obj.mutable_metadata();
    m["uid"] = NewUuid();
    m["creationTimestamp"] = FormatRfc3339(clock_.Now());
    m["generation"] = 1;
    if (opts.dry_run) return obj;

    BERTH_ASSIGN_OR_RETURN(std::string value, Encode(*kind, obj));
    Result<store::Record> rec = Status::Internal("not written");
    if (ops.empty()) {
      rec = store_.Create(key, value);
    } else {
      ops.push_back({store::TxnOp::Type::kCreate, key, value, 0});
      auto txn = store_.Txn(ops);
      bool fence_moved = false;
      if (txn.ok()) {
        rec = txn->back();
      } else if (txn.status().code() == Code::kConflict) {
        fence_moved = true;  // only the fences are compared with a revision
      } else if (txn.status().code() == Code::kAlreadyExists) {
        // The object itself, or a fence another create made first.
        auto existing = store_.Get(key);
        fence_moved = !existing.ok() && existing.status().code() == Code::kNotFound;
        rec = txn.status();
      } else {
        rec = txn.status();
      }
      if (fence_moved) {
        // Another create passed the same checks meanwhile: check again.
        if (attempt + 1 >= kMaxConflictRetries * 5) {
          return Status::Conflict("Operation cannot be fulfilled on " + kind->plural + " \"" +
                                  obj.name() + "\": too many concurrent creates; try again");
        }
        continue;
      }
    }
    if (!rec.ok()) {
      if (rec.status().code() == Code::kAlreadyExists) {
        return Status::AlreadyExists(kind->plural + " \"" + obj.name() + "\" already exists");
      }
      return rec.status();
    }
    obj.set_resource_version(std::to_string(rec->mod_revision));
    return obj;
  }
}

Result<Object> Registry::Update(Object obj, const WriteOptions& opts) {
  return UpdateImpl(std::move(obj), opts, /*status=*/false);
}

Result<Object> Registry::UpdateStatus(Object obj, const WriteOptions& opts) {
  return UpdateImpl(std::move(obj), opts, /*status=*/true);
}

Result<Object> Registry::UpdateImpl(Object obj, const WriteOptions& opts, bool status) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* kind, Kind(obj.kind()));
  std::string ns = NormalizeNs(*kind, obj.ns());
  std::string wanted_rv = obj.resource_version();
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    BERTH_ASSIGN_OR_RETURN(Stored cur, Read(*kind, ns, obj.name()));
    if (!wanted_rv.empty() && wanted_rv != cur.obj.resource_version()) {
      return Status::Conflict("Operation cannot be fulfilled on " + kind->plural + " \"" +
                              obj.name() +
                              "\": the object has been modified; please apply your changes to "
                              "the latest version and try again");
    }
    Object next = cur.obj;
    if (status) {
      if (!kind->status_subresource) {
        return Status::NotFound(kind->plural + " has no status subresource");
      }
      next.json()["status"] = obj.status().is_null() ? Json::object() : obj.status();
    } else {
      next = obj;
      next.set_ns(ns);
      if (!kind->namespaced) next.mutable_metadata().erase("namespace");
      Json& m = next.mutable_metadata();
      for (const char* f : kServerOwnedMeta) {
        m.erase(f);
        if (cur.obj.metadata().contains(f)) m[f] = cur.obj.metadata()[f];
      }
      if (kind->status_subresource) {
        if (cur.obj.json().contains("status")) {
          next.json()["status"] = cur.obj.json()["status"];
        } else {
          next.json().erase("status");
        }
      }
    }
    BERTH_RETURN_IF_ERROR(Admit(*kind, Operation::kUpdate, next, &cur.obj, !status));
    if (GenerationSubject(next.json()) != GenerationSubject(cur.obj.json())) {
      next.mutable_metadata()["generation"] = cur.obj.generation() + 1;
    }
    auto res = Commit(*kind, cur, std::move(next), opts.dry_run);
    if (!res.ok() && res.status().code() == Code::kConflict && wanted_rv.empty()) continue;
    return res;
  }
  return Status::Conflict("too many concurrent writes to " + kind->plural + " \"" + obj.name() +
                          "\"");
}

Result<Object> Registry::Commit(const api::KindInfo& kind, const Stored& cur, Object next,
                                bool dry_run) {
  next.set_resource_version(cur.obj.resource_version());
  if (next.json() == cur.obj.json()) return next;  // nothing changed: no new revision
  if (dry_run) return next;
  if (next.being_deleted() && next.finalizers().empty()) {
    return RemoveFromStore(kind, Stored{std::move(next), cur.revision});
  }
  BERTH_ASSIGN_OR_RETURN(std::string value, Encode(kind, next));
  auto rec = store_.Update(Key(kind, next.ns(), next.name()), value, cur.revision);
  if (!rec.ok()) return rec.status();
  next.set_resource_version(std::to_string(rec->mod_revision));
  return next;
}

Result<Object> Registry::Get(std::string_view kind, std::string_view ns, std::string_view name) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* info, Kind(kind));
  BERTH_ASSIGN_OR_RETURN(Stored cur, Read(*info, ns, name));
  return std::move(cur.obj);
}

Result<Object> Registry::Mutate(std::string_view kind, std::string_view ns, std::string_view name,
                                const std::function<Status(Object&)>& mutate, bool status) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* info, Kind(kind));
  for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
    BERTH_ASSIGN_OR_RETURN(Stored cur, Read(*info, ns, name));
    Object obj = cur.obj;
    BERTH_RETURN_IF_ERROR(mutate(obj));
    obj.set_resource_version(cur.obj.resource_version());
    auto res = status ? UpdateStatus(std::move(obj)) : Update(std::move(obj));
    if (res.ok() || res.status().code() != Code::kConflict) return res;
  }
  return Status::Conflict("too many concurrent writes to " + info->plural + " \"" +
                          std::string(name) + "\"");
}

}  // namespace berth::registry
