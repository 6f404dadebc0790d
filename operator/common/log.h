// Logging: spdlog, configured once by main. Library code logs with
// spdlog::info/warn/error(...). Never log secret values, tokens or
// request bodies of Secrets; log object identities and reasons instead.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace berth {

// Sets the global level ("trace", "debug", "info", "warn", "error", "off") and
// a pattern with timestamps. Logs go to stderr. Safe to call more than once.
void InitLogging(std::string_view level);

}  // namespace berth
