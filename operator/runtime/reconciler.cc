#include "operator/runtime/reconciler.h"

#include <string_view>

namespace berth::runtime {
namespace {
constexpr std::string_view kTerminalMarker = "[terminal] ";
}  // namespace

Status TerminalError(Status status) {
  if (status.ok()) status = Status::Internal("TerminalError called with an OK status");
  if (IsTerminal(status)) return status;
  std::string message = std::string(kTerminalMarker) + status.message();
  if (status.code() == Code::kInvalid) return Status::Invalid(std::move(message), status.causes());
  return Status(status.code(), std::move(message));
}

bool IsTerminal(const Status& status) {
  return !status.ok() && status.message().find(kTerminalMarker) != std::string::npos;
}

}  // namespace berth::runtime
