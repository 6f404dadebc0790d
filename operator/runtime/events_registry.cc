// The registry-backed EventSink, and the EventRecorder constructor that uses
// it. Kept apart from events.cc so tests with a fake sink do not link the
// registry.
#include "operator/runtime/events.h"

namespace berth::runtime {
namespace {

class RegistryEventSink final : public EventSink {
 public:
  explicit RegistryEventSink(registry::Registry& registry) : registry_(registry) {}

  Status Create(const api::Object& event) override {
    auto created = registry_.Create(event);
    return created.ok() ? Status::Ok() : created.status();
  }

  Status UpdateSeries(const std::string& ns, const std::string& name, int64_t count,
                      const std::string& last_observed_time) override {
    auto updated = registry_.Mutate("Event", ns, name, [&](api::Object& ev) {
      ev.json()["series"] = {{"count", count}, {"lastObservedTime", last_observed_time}};
      return Status::Ok();
    });
    return updated.ok() ? Status::Ok() : updated.status();
  }

 private:
  registry::Registry& registry_;
};

}  // namespace

std::unique_ptr<EventSink> NewRegistryEventSink(registry::Registry& registry) {
  return std::make_unique<RegistryEventSink>(registry);
}

EventRecorder::EventRecorder(registry::Registry& registry, EventRecorderOptions opts)
    : EventRecorder(NewRegistryEventSink(registry), std::move(opts)) {}

}  // namespace berth::runtime
