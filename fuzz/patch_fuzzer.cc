// Fuzzes the patch functions. The input is up to three JSON values separated
// by lines "---": A, B, C (B defaults to {}, C to A). It exercises
// ApplyMergePatch(A, B), CreateMergePatch(A, B), ApplyJsonPatch(A, B) and
// ThreeWayMergePatch(original A, modified B, current C).
//
// Invariants beyond "no crash, no sanitizer report, no exception escapes":
//   - a merge patch is idempotent: applying B twice equals applying it once;
//     a non-object merge patch is refused;
//   - for objects: ApplyMergePatch(A, CreateMergePatch(A, B)) == B when B has
//     no null members (a merge patch cannot set null), and
//     CreateMergePatch(A, A) is empty;
//   - ApplyJsonPatch(A, json::diff(A, B)) == B;
//   - three-way apply: for an object B without null members, applying the
//     patch to C gives a result R that holds every member of B, lacks every
//     member that A had and B dropped, keeps members of C that neither A nor
//     B mention, and applying B again to R changes nothing.
#include "fuzz/fuzz_support.h"
#include "operator/api/codec.h"
#include "operator/api/patch.h"

namespace {

using berth::api::Json;
using berth::fuzz::Show;

// Every member of `want` is in `have` with the same value (objects compared
// member by member, recursively).
bool Holds(const Json& have, const Json& want) {
  if (!want.is_object() || !have.is_object()) return have == want;
  for (const auto& [k, v] : want.items()) {
    auto it = have.find(k);
    if (it == have.end() || !Holds(*it, v)) return false;
  }
  return true;
}

// The result lacks what `original` had and `modified` dropped; members that
// `current` has and neither mentions are kept.
bool RespectsOwnership(const Json& result, const Json& original, const Json& modified,
                       const Json& current) {
  if (!result.is_object() || !modified.is_object()) return true;
  for (const auto& [k, v] : result.items()) {
    bool in_original = original.is_object() && original.contains(k);
    bool in_modified = modified.contains(k);
    if (in_original && !in_modified) return false;  // dropped from the manifest
    if (in_original && in_modified &&
        !RespectsOwnership(v, original[k], modified[k],
                           current.is_object() && current.contains(k) ? current[k] : Json())) {
      return false;
    }
  }
  if (current.is_object()) {
    for (const auto& [k, v] : current.items()) {
      bool mentioned = (original.is_object() && original.contains(k)) || modified.contains(k);
      if (!mentioned && (!result.contains(k) || result[k] != v)) return false;
    }
  }
  return true;
}

void CheckMerge(const Json& a, const Json& b) {
  auto once = berth::api::ApplyMergePatch(a, b);
  if (!b.is_object()) {
    BERTH_FUZZ_CHECK(!once.ok(), "a non-object merge patch was accepted: " + Show(b));
    return;
  }
  BERTH_FUZZ_CHECK(once.ok(), "an object merge patch failed: " + once.status().ToString());
  auto twice = berth::api::ApplyMergePatch(*once, b);
  BERTH_FUZZ_CHECK(twice.ok() && *twice == *once,
                   "merge patch is not idempotent\ntarget: " + Show(a) + "\npatch: " + Show(b));
}

void CheckCreate(const Json& a, const Json& b) {
  Json patch = berth::api::CreateMergePatch(a, b);
  if (!a.is_object() || !b.is_object()) return;
  BERTH_FUZZ_CHECK(patch.is_object(), "patch between objects is not an object: " + Show(patch));
  BERTH_FUZZ_CHECK(berth::api::CreateMergePatch(a, a).empty(),
                   "CreateMergePatch(A, A) is not empty for " + Show(a));
  auto applied = berth::api::ApplyMergePatch(a, patch);
  BERTH_FUZZ_CHECK(applied.ok(), "a created patch does not apply: " + applied.status().ToString());
  if (berth::fuzz::NoNullMembers(b)) {
    BERTH_FUZZ_CHECK(*applied == b, "ApplyMergePatch(A, CreateMergePatch(A, B)) != B\nA: " +
                                        Show(a) + "\nB: " + Show(b) + "\npatch: " + Show(patch) +
                                        "\ngot: " + Show(*applied));
  }
}

void CheckJsonPatch(const Json& a, const Json& b) {
  auto applied = berth::api::ApplyJsonPatch(a, b);
  if (!applied.ok()) (void)applied.status().ToString();
  Json diff = Json::diff(a, b);
  auto rebuilt = berth::api::ApplyJsonPatch(a, diff);
  BERTH_FUZZ_CHECK(rebuilt.ok(), "json::diff(A, B) does not apply: " + rebuilt.status().ToString() +
                                     "\ndiff: " + Show(diff));
  BERTH_FUZZ_CHECK(*rebuilt == b, "ApplyJsonPatch(A, diff(A, B)) != B\nA: " + Show(a) +
                                      "\nB: " + Show(b) + "\ndiff: " + Show(diff));
}

void CheckThreeWay(const Json& original, const Json& modified, const Json& current) {
  Json patch = berth::api::ThreeWayMergePatch(original, modified, current);
  auto result = berth::api::ApplyMergePatch(current, patch);
  if (!modified.is_object()) {
    BERTH_FUZZ_CHECK(patch == modified,
                     "a non-object manifest must replace the target whole: "
                     "patch " +
                         Show(patch) + " for " + Show(modified));
    return;
  }
  BERTH_FUZZ_CHECK(result.ok(), "a three-way patch does not apply: " + result.status().ToString() +
                                    "\npatch: " + Show(patch));
  if (!berth::fuzz::NoNullMembers(modified)) return;
  std::string inputs = "\noriginal: " + Show(original) + "\nmodified: " + Show(modified) +
                       "\ncurrent: " + Show(current) + "\npatch: " + Show(patch) +
                       "\nresult: " + Show(*result);
  BERTH_FUZZ_CHECK(Holds(*result, modified), "the result lacks part of the manifest" + inputs);
  BERTH_FUZZ_CHECK(RespectsOwnership(*result, original, modified, current),
                   "the result keeps a dropped field or lost another owner's field" + inputs);
  Json again = berth::api::ThreeWayMergePatch(modified, modified, *result);
  auto stable = berth::api::ApplyMergePatch(*result, again);
  BERTH_FUZZ_CHECK(stable.ok() && *stable == *result,
                   "applying the same manifest again changed the result" + inputs +
                       "\nsecond patch: " + Show(again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = berth::fuzz::SplitParts(berth::fuzz::AsText(data, size), 3);
  std::vector<Json> values;
  for (std::string_view part : parts) {
    auto parsed = berth::api::ParseJson(part);
    if (!parsed.ok()) return 0;
    values.push_back(std::move(*parsed));
  }
  const Json& a = values[0];
  Json b = values.size() > 1 ? values[1] : Json::object();
  const Json& c = values.size() > 2 ? values[2] : a;
  CheckMerge(a, b);
  CheckCreate(a, b);
  CheckJsonPatch(a, b);
  CheckThreeWay(a, b, c);
  return 0;
}
