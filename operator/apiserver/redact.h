// Secret redaction on API reads: every `data` value reads "<redacted>",
// `stringData` and the last-applied annotations (which hold a copy of the
// manifest, values included) are dropped. Writes that carry "<redacted>" back
// keep the stored value (RedactedValueAdmission), so a client that edits a
// redacted Secret it read does not overwrite its values with the placeholder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"

namespace berth::apiserver {

inline constexpr std::string_view kRedacted = "<redacted>";
inline constexpr std::string_view kKubectlLastApplied =
    "kubectl.kubernetes.io/last-applied-configuration";
inline constexpr std::string_view kBerthLastApplied = "berth.dev/last-applied";

// True for kinds whose reads are redacted (Secret).
bool IsSensitiveKind(std::string_view kind);
// Redacts `obj` in place (a Secret as JSON). Pure.
void RedactSecret(api::Json& obj);

// For a write (PUT) of a Secret that carries "<redacted>" values back: each
// such value in `incoming.data` is replaced by the value of the same key in
// `stored`. Returns the keys that had no stored value (the caller rejects
// the write: a placeholder is not a value). Pure.
std::vector<std::string> RestoreRedacted(api::Json& incoming, const api::Json& stored);

}  // namespace berth::apiserver
