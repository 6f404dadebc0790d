// Registry: Kubernetes object semantics over the Store. The API server and the
// controllers both read and write objects only through it.
//
// - Create assigns uid, creationTimestamp, generation 1 and namespace
//   "default" (namespaced kinds), drops any status, validates the metadata,
//   the schema (defaults applied) and the kind's admission checks.
// - Update writes metadata and spec and keeps the stored status; UpdateStatus
//   writes only status. generation rises only when spec changes. A non-empty
//   resourceVersion must match the stored one (Conflict otherwise); an empty
//   one means "last write wins". A write that changes nothing is not written
//   (the resourceVersion stays).
// - Delete of an object with finalizers sets deletionTimestamp and keeps it;
//   the write that removes its last finalizer deletes it. The propagation
//   policy decides what happens to its dependents (objects whose
//   ownerReferences name its uid), as in Kubernetes: Background (the default)
//   removes the owner at once and leaves the dependents to the garbage
//   collector (controllers/gc), which deletes dependents whose owners are
//   gone; Foreground adds the finalizer kForegroundDeletion, so the owner
//   stays (with deletionTimestamp) until the garbage collector has deleted
//   every dependent and removes that finalizer; Orphan removes the
//   ownerReferences naming the owner from its dependents before the owner
//   goes. The registry itself never deletes a dependent.
// - Objects read back carry metadata.resourceVersion = the store revision of
//   their last write. Secrets are sealed at rest through a Transformer; their
//   validation errors are scrubbed of values and their last-applied record
//   (berth.dev/last-applied) holds value hashes.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/object.h"
#include "operator/common/clock.h"
#include "operator/common/result.h"
#include "operator/store/store.h"

namespace berth::registry {

using api::Json;
using api::Object;

enum class PatchType {
  kMerge,  // application/merge-patch+json
  kJson,   // application/json-patch+json
  kApply,  // application/apply-patch+yaml: create, or a three-way merge of the
           // manifest with the one the previous apply recorded in the
           // berth.dev/last-applied annotation (one record per object,
           // whoever applied it: there are no field managers)
};

enum class Operation { kCreate, kUpdate, kDelete };

// The finalizer a Foreground delete puts on the owner (the Kubernetes name).
inline constexpr std::string_view kForegroundDeletion = "foregroundDeletion";

struct WriteOptions {
  bool dry_run = false;  // validate and compute, write nothing
};

struct DeleteOptions {
  std::string precondition_resource_version;
  std::string precondition_uid;
  std::string propagation_policy = "Background";  // Background | Foreground | Orphan
  bool dry_run = false;
  // Set on the object in the same write that marks it for deletion, so its
  // finalizer can see them (e.g. berth.dev/purge-volumes: "true").
  std::map<std::string, std::string> annotations;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;           // 0: everything
  std::string continue_token;  // from a previous ObjectList
};

struct ObjectList {
  std::vector<Object> items;
  std::string resource_version;  // revision of the snapshot
  std::string continue_token;    // non-empty when `limit` cut the list
};

struct WatchOptions {
  // "" or "0": first an ADDED event for every current object, then changes.
  // "N": changes after revision N; Gone if N was compacted.
  std::string resource_version;
  std::string label_selector;
  std::string field_selector;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED
  Object object;
};

class ObjectWatch {
 public:
  virtual ~ObjectWatch() = default;
  // As store::Watcher::Next: an event, or Timeout, Cancelled, Gone, Unavailable.
  virtual Result<WatchEvent> Next(std::chrono::milliseconds timeout) = 0;
  // The resourceVersion through which every matching change was delivered.
  virtual std::string Progress() const = 0;
  virtual void Stop() = 0;
};

// Kind-specific checks beyond the schema, run on every create and update
// (after schema defaults, before the write; not on status writes). May set
// defaults in `obj`.
// `old` is null on create. Must not write through the registry.
class Admission {
 public:
  virtual ~Admission() = default;
  virtual Status Admit(Operation op, Object& obj, const Object* old) = 0;
  // Store keys (outside /registry/) whose value a create check depends on
  // through what it reads, e.g. "/berth/fences/instances/<ns>" for a check
  // that counts the namespace's Instances. Before Admit runs for a create
  // the registry reads each key; it then writes the object and bumps each
  // key in one store transaction, compare-and-swap on the revision it read.
  // If one changed meanwhile (another create with the same fence, on this
  // server or another one on the same database), the checks run again on
  // fresh reads. So a count-then-create check is exact: every create it
  // admits saw every create admitted before it. Default: none.
  virtual std::vector<std::string> CreateFences(const Object& obj) {
    (void)obj;
    return {};
  }
};

// Seals values of a kind at rest (Secrets). Open must accept what Seal wrote.
class Transformer {
 public:
  virtual ~Transformer() = default;
  virtual Result<std::string> Seal(std::string_view plain) = 0;
  virtual Result<std::string> Open(std::string_view sealed) = 0;
};

// For Secrets: `st` with every value of `secret` (data, decoded data,
// stringData; also quoted or cut short) replaced by "<redacted>" in its
// message and causes. Schema errors echo the offending value; these must
// not. Pure.
Status ScrubSecretValues(const Status& st, const Json& secret);

// For Secrets: `manifest` with each data and stringData value replaced by
// "sha256:<hex>" of its text. What the last-applied record of a Secret
// holds: keys (so apply can prune) but no values. Pure.
Json HashSecretValues(Json manifest);

class Registry {
 public:
  Registry(store::Store& store, const api::Catalog& catalog, Clock& clock = RealClock());

  // Configuration; call before the registry is shared.
  void AddAdmission(const std::string& kind, std::shared_ptr<Admission> admission);
  void SetTransformer(const std::string& kind, std::shared_ptr<Transformer> transformer);

  Result<Object> Create(Object obj, const WriteOptions& opts = {});
  Result<Object> Update(Object obj, const WriteOptions& opts = {});
  Result<Object> UpdateStatus(Object obj, const WriteOptions& opts = {});
  // Patches the main resource (spec/metadata) or, with `status`, the status.
  // An apply patch of a missing object creates it; `created`, when given, is
  // set to whether this call did.
  Result<Object> Patch(std::string_view kind, std::string_view ns, std::string_view name,
                       PatchType type, std::string_view body, bool status,
                       const WriteOptions& opts = {}, bool* created = nullptr);
  Result<Object> Delete(std::string_view kind, std::string_view ns, std::string_view name,
                        const DeleteOptions& opts = {});
  Result<Object> Get(std::string_view kind, std::string_view ns, std::string_view name);
  // Empty `ns` lists every namespace.
  Result<ObjectList> List(std::string_view kind, std::string_view ns, const ListOptions& opts = {});
  Result<std::unique_ptr<ObjectWatch>> Watch(std::string_view kind, std::string_view ns,
                                             const WatchOptions& opts = {});
  // Read-modify-write with retries on Conflict: reads the object, calls
  // `mutate`, writes it back (status only when `status`). A non-OK Status from
  // `mutate` aborts and is returned; so is NotFound.
  Result<Object> Mutate(std::string_view kind, std::string_view ns, std::string_view name,
                        const std::function<Status(Object&)>& mutate, bool status = false);

  store::Store& store() { return store_; }
  const api::Catalog& catalog() const { return catalog_; }
  Clock& clock() { return clock_; }

  // The store key of an object: "/registry/<plural>/<ns>/<name>" or
  // "/registry/<plural>/<name>" for cluster-scoped kinds.
  static std::string Key(const api::KindInfo& kind, std::string_view ns, std::string_view name);

 private:
  struct Stored {  // an object as read from the store, with its revision
    Object obj;
    int64_t revision = 0;
  };
  Result<const api::KindInfo*> Kind(std::string_view kind) const;
  Result<Stored> Read(const api::KindInfo& kind, std::string_view ns, std::string_view name);
  Result<Object> Decode(const api::KindInfo& kind, const store::Record& rec);
  Result<std::string> Encode(const api::KindInfo& kind, const Object& obj);
  // Validation shared by create and update: metadata, schema and (unless a
  // status write) the kind's admission checks.
  Status Admit(const api::KindInfo& kind, Operation op, Object& obj, const Object* old,
               bool run_admission);
  Status AdmitChecks(const api::KindInfo& kind, Operation op, Object& obj, const Object* old,
                     bool run_admission);
  // Writes `next` over `cur` (CAS on cur.revision); deletes instead when the
  // object is being deleted and has no finalizers left.
  Result<Object> Commit(const api::KindInfo& kind, const Stored& cur, Object next, bool dry_run);
  Result<Object> UpdateImpl(Object obj, const WriteOptions& opts, bool status);
  Result<Object> RemoveFromStore(const api::KindInfo& kind, const Stored& cur);
  // Removes the ownerReferences naming `owner_uid` from every object.
  void OrphanDependents(const std::string& owner_uid);
  std::string NormalizeNs(const api::KindInfo& kind, std::string_view ns) const;

  store::Store& store_;
  const api::Catalog& catalog_;
  Clock& clock_;
  std::map<std::string, std::vector<std::shared_ptr<Admission>>> admissions_;
  std::map<std::string, std::shared_ptr<Transformer>> transformers_;
};

}  // namespace berth::registry
