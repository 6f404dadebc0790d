#include "controllers/wiring/stack_logs.h"

#include "operator/api/labels.h"

namespace berth::controllers {

Status StackLogs::Stream(const api::ObjectRef& ref, const std::string& service, bool follow,
                         int tail_lines, const std::function<bool(std::string_view chunk)>& sink) {
  auto stack = registry_.Get("Stack", ref.ns, ref.name);
  if (!stack.ok()) return stack.status();
  const api::Json& services = stack->spec().value("services", api::Json::object());
  if (!services.is_object() || !services.contains(service)) {
    return Status::NotFound("stack " + ref.name + " has no service \"" + service + "\"");
  }
  api::ObjectRef owner{"Stack", stack->ns(), stack->name()};
  auto filter = api::labels::OwnerFilter(owner);
  filter.push_back(std::string(api::labels::kService) + "=" + service);
  auto containers = docker_.ListContainers(filter);
  if (!containers.ok()) return containers.status();
  if (containers->empty()) {
    return Status::NotFound("service \"" + service + "\" of stack " + ref.name +
                            " has no container yet");
  }
  // Prefer the running container (a recreate may briefly leave two).
  const docker::ContainerSummary* pick = &containers->front();
  for (const auto& c : *containers) {
    if (c.state == "running") pick = &c;
  }
  docker::LogsOptions opts;
  opts.tail = tail_lines;
  if (!follow) {
    auto logs = docker_.Logs(pick->id, opts);
    if (!logs.ok()) return logs.status();
    // Interleaving is lost once demultiplexed; stdout then stderr, as docker logs
    // with a non-tty container prints them per chunk.
    if (!logs->out.empty()) sink(logs->out);
    if (!logs->err.empty()) sink(logs->err);
    return Status::Ok();
  }
  docker::CancelToken cancel;
  return docker_.FollowLogs(
      pick->id, opts,
      [&](docker::LogStream, std::string_view chunk) {
        if (!sink(chunk)) {
          cancel.Cancel();
          return false;
        }
        return true;
      },
      cancel);
}

}  // namespace berth::controllers
