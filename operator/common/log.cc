#include "operator/common/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <string>

namespace berth {

void InitLogging(std::string_view level) {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("berth");
    spdlog::set_default_logger(l);
    return l;
  }();
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%L%$ [%t] %v");
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
  spdlog::flush_on(spdlog::level::warn);
}

}  // namespace berth
