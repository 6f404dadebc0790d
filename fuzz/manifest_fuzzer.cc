// Fuzzes manifest decoding: the input is a YAML stream (multi-document) and,
// when it parses as one, a JSON document. Every decoded document then goes
// through what the registry does with a manifest: Catalog::Validate (schema
// and defaults) and api::ValidateMetadata.
//
// Invariants beyond "no crash, no sanitizer report, no exception escapes":
//   - every decoded value serializes as JSON (strings are valid UTF-8), as the
//     store and the API server will serialize it;
//   - ToYaml round-trips: ParseYaml(ToYaml(v)) == v;
//   - validation is idempotent: an object that validated (and got its
//     defaults) validates again unchanged.
#include "fuzz/fuzz_support.h"
#include "operator/api/catalog.h"
#include "operator/api/codec.h"
#include "operator/api/meta.h"

namespace {

using berth::api::Json;
using berth::fuzz::Show;

void CheckDocument(const Json& value) {
  std::string json_text = value.dump();  // throws (and so crashes) on invalid UTF-8

  if (!value.is_null()) {
    std::string yaml = berth::api::ToYaml(value);
    auto back = berth::api::ParseYaml(yaml);
    BERTH_FUZZ_CHECK(back.ok(), "ToYaml output does not parse: " + back.status().ToString() +
                                    "\nvalue: " + json_text + "\nyaml:\n" + yaml);
    BERTH_FUZZ_CHECK(*back == value, "ToYaml round trip changed the value\nbefore: " + json_text +
                                         "\nafter:  " + Show(*back) + "\nyaml:\n" + yaml);
  }

  const auto& catalog = berth::api::Catalog::Builtin();
  Json obj = value;
  berth::Status st = catalog.Validate(obj);
  if (st.ok()) {
    Json again = obj;
    berth::Status st2 = catalog.Validate(again);
    BERTH_FUZZ_CHECK(st2.ok(), "a validated object fails validation: " + st2.ToString() +
                                   "\nobject: " + Show(obj));
    BERTH_FUZZ_CHECK(again == obj, "validating a validated object changed it\nfirst:  " +
                                       Show(obj) + "\nsecond: " + Show(again));
  }
  bool namespaced = true;
  if (obj.is_object()) {
    auto kind = obj.find("kind");
    if (kind != obj.end() && kind->is_string()) {
      if (const auto* info = catalog.Find(kind->get<std::string>())) namespaced = info->namespaced;
    }
  }
  berth::Status meta = berth::api::ValidateMetadata(berth::api::Object(obj), namespaced);
  (void)meta.ToString();
  (void)st.ToString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = berth::fuzz::AsText(data, size);
  auto docs = berth::api::ParseYamlDocuments(text);
  if (docs.ok()) {
    for (const auto& doc : *docs) CheckDocument(doc.value);
  } else {
    (void)docs.status().ToString();
  }
  auto json = berth::api::ParseJson(text);
  if (json.ok()) CheckDocument(*json);
  return 0;
}
