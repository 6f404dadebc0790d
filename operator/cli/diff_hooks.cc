#include "operator/cli/diff_hooks.h"

namespace berth::cli {

const std::vector<DiffHook>& DiffHooks() {
  // Provider config rendering (issue 5) registers here.
  static const std::vector<DiffHook> hooks;
  return hooks;
}

}  // namespace berth::cli
