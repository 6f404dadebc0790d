// Kind resolution for command arguments, as kubectl reads them: plural,
// singular, short name or Kind, case-insensitive, optionally qualified by the
// group ("stacks.berth.dev"); "KIND NAME...", "KIND/NAME..." and "K1,K2".
// Pure functions over a Catalog.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/common/result.h"

namespace berth::cli {

// NotFound naming the kinds berth serves when `name` is none of them.
Result<const api::KindInfo*> ResolveKind(const api::Catalog& catalog, std::string_view name);

// One kind and the names asked for (none: every object of the kind).
struct Target {
  const api::KindInfo* kind = nullptr;
  std::vector<std::string> names;
};

// Parses command arguments into targets:
//   ["stacks"]                  -> stacks, all
//   ["stack", "a", "b"]         -> stacks a, b
//   ["stack/a", "instance/b"]   -> stacks a; instances b
//   ["stacks,instances"], ["all"] (a category) -> several kinds, all
// Errors: no arguments, an unknown kind, names after several kinds, a mix of
// "KIND/NAME" and bare names.
Result<std::vector<Target>> ParseTargets(const api::Catalog& catalog,
                                         const std::vector<std::string>& args);

// Parses exactly one "KIND/NAME" or "KIND NAME" (for describe, wait, logs).
Result<std::pair<const api::KindInfo*, std::string>> ParseOneTarget(
    const api::Catalog& catalog, const std::vector<std::string>& args);

// "stack.berth.dev" — how kubectl names a kind in its messages.
std::string QualifiedKind(const api::KindInfo& kind);
// "stack.berth.dev/web".
std::string QualifiedName(const api::KindInfo& kind, const std::string& name);

}  // namespace berth::cli
