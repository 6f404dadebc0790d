// What a change would do to the configs berth renders, before it is applied
// (`berth diff`), with every API key replaced by "<redacted:sha256:XXXXXXXX>"
// (RedactSecrets), so a changed key shows as a change and no key is revealed:
//  - a Provider or Secret: for every consumer in its namespace — each Stack
//    service's `render:` configFile, each service's providerRef env values,
//    each Instance's config — the content now and with the proposed object
//    in place of the stored one;
//  - a Stack or Instance (which Providers it uses: render.providers or
//    providerSelector, providerRef env, spec.provider): its own rendered
//    files and providerRef env, stored spec against proposed; only those
//    whose content changes.
#pragma once

#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/result.h"
#include "operator/registry/registry.h"

namespace berth::provider {

struct PreviewItem {
  std::string consumer;  // "Stack/default/uni" or "Instance/default/alice"
  std::string service;   // Stack service; "" for an Instance
  std::string path;      // the file in the container, or "env"
  std::string before;    // redacted; "" when it does not exist yet
  std::string after;     // redacted; an error reads "# cannot render: ..."
  // "rendered/<ns>/<stack>/<service><path>" or "rendered/<ns>/instance/<name>/config.json".
  std::string Label() const;
};

// `proposed` is the object as it would be stored (a Provider or a Secret,
// e.g. a dry-run apply result, values unredacted). Reads everything else
// through `registry`. Items are sorted by label; consumers not touched by
// the object are left out.
Result<std::vector<PreviewItem>> PreviewChange(registry::Registry& registry,
                                               const api::Object& proposed);

}  // namespace berth::provider
