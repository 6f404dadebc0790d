// Catalog: the kinds berth serves, read from the CustomResourceDefinitions in
// crds/ (embedded in the binary at build time), and validation of objects
// against each kind's openAPIV3Schema.
//
// A Catalog is immutable after construction and safe to share across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/api/object.h"
#include "operator/api/schema.h"
#include "operator/common/result.h"

namespace berth::api {

struct KindInfo {
  std::string kind;       // "Stack"
  std::string list_kind;  // "StackList"
  std::string plural;     // "stacks"
  std::string singular;   // "stack"
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool namespaced = true;
  bool status_subresource = true;
};

class Catalog {
 public:
  // The catalog built from the CRDs compiled into the binary. Aborts if they
  // do not load: that is a build defect, caught by the unit tests.
  static const Catalog& Builtin();
  // Builds a catalog from CRD documents given as (file name, YAML text).
  static Result<std::shared_ptr<Catalog>> FromCrds(
      const std::vector<std::pair<std::string, std::string>>& files);

  const std::vector<KindInfo>& kinds() const { return kinds_; }
  // Finds a kind by kind name, plural, singular or short name, ignoring case;
  // a ".berth.dev" suffix is allowed ("stacks.berth.dev"). nullptr if none.
  const KindInfo* Find(std::string_view any_name) const;
  // The CRD document (as JSON, as written) that defines `kind` (any name
  // Find accepts), or nullptr.
  const Json* Crd(std::string_view kind) const;
  // The compiled schema of `kind`'s whole object (any name Find accepts), or
  // nullptr.
  const Schema* SchemaFor(std::string_view kind) const;

  // Validates `obj` against its kind's schema and fills in defaults, in
  // place. Unknown fields are errors. apiVersion must be berth.dev/v1alpha1
  // and kind a known kind (exact case). metadata is only required to be an
  // object: ValidateMetadata (meta.h) checks its fields. Returns Invalid with
  // one cause per problem (field = path, message = the text after it, reason
  // as in Kubernetes), e.g. spec.services.pg_init.dependsOn.postgres:
  // Unsupported value: "ready": supported values: "healthy", ...; the message
  // reads like Kubernetes': Stack.berth.dev "web" is invalid: <causes>.
  Status Validate(Json& obj) const;

 private:
  struct Entry {
    KindInfo info;
    Json crd;
    std::unique_ptr<Schema> schema;
  };
  std::vector<KindInfo> kinds_;
  std::vector<Entry> entries_;
};

}  // namespace berth::api
