// WaitFor: blocks until a predicate holds for one object, following it with
// a watch (no polling), for `berth wait` and `berth delete --wait`.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "operator/cli/api_client.h"

namespace berth::cli {

// `done` sees the object, or nullptr once it does not exist. Returns OK when
// `done` holds, Timeout when `deadline` passes first (`last` then holds the
// last state seen, for the message), or the error that ended the watch.
Status WaitFor(ApiClient& client, const api::KindInfo& kind, const std::string& ns,
               const std::string& name, Deadline deadline,
               const std::function<bool(const api::Object*)>& done,
               std::optional<api::Object>* last);

// A condition check: status.conditions has `type` (any case) with `status`.
bool HasCondition(const api::Object& object, const std::string& type, const std::string& status);
// "Ready=False (reason: ...: message)", or "no Ready condition".
std::string DescribeCondition(const api::Object& object, const std::string& type);

}  // namespace berth::cli
