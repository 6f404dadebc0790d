// The checks shared by apply, create, diff and delete -f: every manifest
// object is resolved (kind, namespace), validated locally against the
// Catalog, and then by the server in a dry run, before anything is written.
// Every problem becomes one error line naming file, document and field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/cli/api_client.h"
#include "operator/cli/manifests.h"

namespace berth::cli {

// Where the server keeps the last applied manifest (its three-way merge),
// and kubectl's equivalent: objects carrying either were written by apply.
inline constexpr const char* kLastAppliedAnnotation = "berth.dev/last-applied";
inline constexpr const char* kKubectlLastAppliedAnnotation =
    "kubectl.kubernetes.io/last-applied-configuration";

struct PlanItem {
  const ManifestObject* source = nullptr;
  const api::KindInfo* kind = nullptr;
  std::string ns;                     // effective namespace; "" for cluster-scoped kinds
  api::Object object;                 // as it will be sent (namespace filled in)
  std::optional<api::Object> live;    // the server's copy, when FetchLive found one
  std::optional<api::Object> merged;  // the server's dry-run result
};

struct NamespaceChoice {
  std::string ns;            // the namespace objects without one go to
  bool is_explicit = false;  // given with -n: an object naming another one is an error
};

// Resolves kinds and namespaces of `objects`. With `validate`, also checks
// metadata (api::ValidateMetadata) and the kind's schema (Catalog::Validate,
// on a copy: defaults are left to the server). Duplicates are errors.
// Appends one line per problem to `errors`; returns the items that passed.
std::vector<PlanItem> PrepareItems(const api::Catalog& catalog,
                                   const std::vector<ManifestObject>& objects,
                                   const NamespaceChoice& ns, bool validate,
                                   std::vector<std::string>* errors);

// Fills `live` for every item (NotFound leaves it empty). A failure that is
// not about one object (server unreachable, 401) is returned; others become
// error lines.
Status FetchLive(ApiClient& client, std::vector<PlanItem>& items, std::vector<std::string>* errors);

enum class WriteMode { kApply, kCreate };

struct WriteSettings {
  WriteMode mode = WriteMode::kApply;
};

// Writes one item (an apply patch, or POST), for real or as a dry run. The
// apply patch is a three-way merge on the server with the manifest the
// previous apply recorded (berth.dev/last-applied).
Result<api::Object> WriteItem(ApiClient& client, const PlanItem& item,
                              const WriteSettings& settings, bool dry_run);

// Server-side dry run of every item; fills `merged`, appends error lines.
// Returns errors that are not about one object, as FetchLive does.
Status ServerDryRun(ApiClient& client, std::vector<PlanItem>& items, const WriteSettings& settings,
                    std::vector<std::string>* errors);

// True for failures that concern the connection rather than one object.
bool IsConnectionError(const Status& s);

// The object as compared by apply ("unchanged") and shown by diff: without
// the metadata a server changes on every write (managedFields,
// resourceVersion, generation, the last-applied-configuration annotation).
api::Json Comparable(const api::Json& object);

}  // namespace berth::cli
