// How Events read in `berth events` and `berth describe`: when they were
// last seen, which object they are about, in time order. Pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "operator/api/object.h"

namespace berth::cli {

// series.lastObservedTime, else eventTime, else metadata.creationTimestamp.
std::chrono::system_clock::time_point EventLastSeen(const api::Object& event);
// "stack/web" (the regarding object, kind lower-cased).
std::string EventObject(const api::Object& event);
// Oldest first; ties by name, so output is stable.
void SortEvents(std::vector<api::Object>& events);
// The field selector of events about one object.
std::string EventSelectorFor(const std::string& kind, const std::string& ns,
                             const std::string& name);
// "Xm" age of the last sighting, with "(x3 over 10m)" when repeated.
std::string EventAge(const api::Object& event, std::chrono::system_clock::time_point now);

}  // namespace berth::cli
