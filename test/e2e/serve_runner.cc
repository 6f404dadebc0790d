// serve_runner: `berth serve` without the CLI, for end-to-end tests that run
// before (or without) the berth binary. Flags: --data-dir, --store, --listen,
// --tls-cert, --tls-key, --log-level (each followed by its value).
#include <cstring>
#include <iostream>
#include <string>

#include "operator/serve/options.h"

int main(int argc, char** argv) {
  berth::serve::Options o;
  o.controllers = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--data-dir") {
      o.data_dir = value;
    } else if (flag == "--store") {
      o.store_url = value;
    } else if (flag == "--listen") {
      o.listen = value;
    } else if (flag == "--tls-cert") {
      o.tls_cert = value;
    } else if (flag == "--tls-key") {
      o.tls_key = value;
    } else if (flag == "--log-level") {
      o.log_level = value;
    } else {
      std::cerr << "serve_runner: unknown flag " << flag << "\n";
      return 2;
    }
  }
  return berth::serve::Run(o);
}
