// Fuzzes schema validation: the input is one JSON value, validated against
// every kind of the built-in catalog, (a) as a whole object (apiVersion and
// kind set to the kind's, the rest as given) through Catalog::Validate and
// (b) its "spec", when it has one, against the kind's spec schema directly.
//
// Invariants beyond "no crash, no sanitizer report, no exception escapes":
//   - validation is idempotent: a value that validated (and got defaults and
//     coercions applied) validates again with no cause and no change;
//   - every cause names a field under the validated path and has a message.
#include "fuzz/fuzz_support.h"
#include "operator/api/catalog.h"
#include "operator/api/codec.h"

namespace {

using berth::api::Json;
using berth::fuzz::Show;

void CheckCauses(const std::vector<berth::FieldCause>& causes, const std::string& root) {
  for (const auto& c : causes) {
    BERTH_FUZZ_CHECK(!c.message.empty(), "a cause without a message at " + c.field);
    BERTH_FUZZ_CHECK(root.empty() || c.field.starts_with(root),
                     "cause " + c.field + " lies outside " + root);
  }
}

void CheckSchema(const berth::api::Schema& schema, const Json& input, const std::string& path) {
  Json value = input;
  std::vector<berth::FieldCause> causes;
  schema.Validate(value, path, &causes);
  CheckCauses(causes, path);
  if (!causes.empty()) return;
  Json again = value;
  std::vector<berth::FieldCause> second;
  schema.Validate(again, path, &second);
  BERTH_FUZZ_CHECK(second.empty(), "a validated value fails validation at " + path + ": " +
                                       second.front().field + ": " + second.front().message +
                                       "\nvalue: " + Show(value));
  BERTH_FUZZ_CHECK(again == value, "validating a validated value changed it\nfirst:  " +
                                       Show(value) + "\nsecond: " + Show(again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = berth::api::ParseJson(berth::fuzz::AsText(data, size));
  if (!parsed.ok()) return 0;
  const Json& input = *parsed;
  const auto& catalog = berth::api::Catalog::Builtin();
  for (const auto& kind : catalog.kinds()) {
    const berth::api::Schema* whole = catalog.SchemaFor(kind.kind);
    BERTH_FUZZ_CHECK(whole != nullptr, "no schema for kind " + kind.kind);

    Json obj = input;
    if (obj.is_object()) {
      obj["apiVersion"] = berth::api::kApiVersion;
      obj["kind"] = kind.kind;
    }
    Json validated = obj;
    berth::Status st = catalog.Validate(validated);
    CheckCauses(st.causes(), "");
    (void)st.ToString();
    CheckSchema(*whole, obj, "");

    if (input.is_object() && input.contains("spec")) {
      if (const berth::api::Schema* spec = whole->At("spec")) {
        CheckSchema(*spec, input["spec"], "spec");
      }
    }
  }
  return 0;
}
