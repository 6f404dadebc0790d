// Extra sections of `berth diff`: besides the object itself, a kind may show
// what applying it would change elsewhere — e.g. the provider config files
// (config.json, api.yaml) berth renders from Provider records (issue 5).
//
// To add one: write a DiffHook and return it from DiffHooks() in
// diff_hooks.cc. It sees the manifest item (with `live` and the server's
// dry-run result `merged`) and the client, and returns before/after texts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "operator/cli/api_client.h"
#include "operator/cli/apply_plan.h"

namespace berth::cli {

struct DiffSection {
  std::string label;   // e.g. "rendered/default/uni-api/api.yaml"
  std::string before;  // current text ("" when there is none)
  std::string after;   // text once the manifest is applied
};

using DiffHook =
    std::function<Result<std::vector<DiffSection>>(ApiClient& client, const PlanItem& item)>;

// Every registered hook, run for every item in order.
const std::vector<DiffHook>& DiffHooks();

}  // namespace berth::cli
