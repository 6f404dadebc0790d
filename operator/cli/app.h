// Run: the CLI with its environment injected, so tests drive it in-process.
#pragma once

#include <string>
#include <vector>

#include "operator/cli/context.h"

namespace berth::cli {

// Parses `args` (args[0] is the program name) and runs the command. Returns
// the exit code: 0 on success, 1 on any error (diff: 1 = differences, 2 =
// error), after printing "error: ..." lines to env.err.
int Run(const std::vector<std::string>& args, Environment env);

}  // namespace berth::cli
