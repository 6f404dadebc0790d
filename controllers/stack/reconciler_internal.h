// Types shared by the files that implement StackReconciler. Not a public
// interface.
#pragma once

#include <map>
#include <set>
#include <string>

#include "controllers/stack/reconciler.h"
#include "controllers/stack/status.h"

namespace berth::stack {

struct StackReconciler::Resolved {
  RenderInputs inputs;
  std::map<std::string, std::string> render_errors;  // service -> why
  std::set<std::string> secret_values;               // to scrub from logs shown in status
};

struct StackReconciler::Outcome : WaveResult {
  bool acted = false;  // any action was attempted
};

// Replaces every occurrence of each secret value in `text` with "<redacted>".
std::string Scrub(std::string text, const std::set<std::string>& secrets);

}  // namespace berth::stack
