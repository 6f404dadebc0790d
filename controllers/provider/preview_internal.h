// Pieces shared by the files that implement preview.h. Not a public
// interface.
#pragma once

#include <string>
#include <vector>

#include "controllers/provider/preview.h"
#include "controllers/provider/renderer.h"
#include "controllers/stack/stack_spec.h"

namespace berth::provider::internal {

// The rendered text, or "# cannot render: <why>\n".
std::string Rendered(const Result<std::string>& r);

// The providerRef env values of `svc`, one "NAME=value" line each (values
// of Providers missing from `providers` say so). Appends the API keys it
// used to `used` (for redaction).
std::string EnvText(const stack::ServiceSpec& svc, const std::vector<api::Object>& providers,
                    const KeyLookup& keys, std::vector<std::string>* used);

// PreviewChange for a proposed Stack (its render configFiles and providerRef
// env, stored spec against proposed) or Instance (the config.json of its
// stored spec.provider against the proposed one's). Only items whose text
// changes.
Result<std::vector<PreviewItem>> PreviewConsumerChange(registry::Registry& registry,
                                                       const api::Object& proposed);

}  // namespace berth::provider::internal
