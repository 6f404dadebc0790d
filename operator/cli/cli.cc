#include "operator/cli/cli.h"

#include <cstdlib>
#include <iostream>

#include "operator/api/catalog.h"
#include "operator/cli/app.h"
#include "operator/common/clock.h"
#include "operator/common/filesystem.h"

namespace berth::cli {

int Main(int argc, char** argv, ServeFn serve) {
  Environment env;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.in = &std::cin;
  env.env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.fs = &RealFileSystem();
  env.clock = &RealClock();
  env.catalog = &api::Catalog::Builtin();
  env.defaults = {serve::DefaultServer(), serve::DefaultDataDir()};
  env.serve = serve;
  std::vector<std::string> args(argv, argv + argc);
  return Run(args, std::move(env));
}

}  // namespace berth::cli
