// The berth binary: every command is a CLI subcommand; `berth serve` runs the
// API server and controllers (wired in operator/serve).
#include "operator/cli/cli.h"
#include "operator/serve/options.h"

int main(int argc, char** argv) {
  return berth::cli::Main(argc, argv, &berth::serve::Run);
}
