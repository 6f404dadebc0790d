// The berth command line: kubectl-like commands against the berth API
// server, plus `berth serve`, which fills serve::Options and calls the
// injected ServeFn (so this library does not depend on the server).
#pragma once

#include "operator/serve/options.h"

namespace berth::cli {

using ServeFn = int (*)(const serve::Options&);

// Runs the CLI on the process's argv, stdin/stdout/stderr and environment.
// Returns the process exit code.
int Main(int argc, char** argv, ServeFn serve);

}  // namespace berth::cli
