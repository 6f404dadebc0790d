// Object metadata rules shared by the registry, the API server and the CLI:
// name and label syntax, and status conditions. Pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/status.h"

namespace berth::api {

// DNS-1123 label: 1-63 of [a-z0-9-], alphanumeric at both ends. Empty string
// when valid, otherwise the reason.
std::string CheckDnsLabel(std::string_view s);
// DNS-1123 subdomain: 1-253 characters, dot-separated DNS labels.
std::string CheckDnsSubdomain(std::string_view s);
// Label key ([prefix/]name) and value syntax, as in Kubernetes.
std::string CheckLabelKey(std::string_view s);
std::string CheckLabelValue(std::string_view s);

// Checks metadata the user may write: name, namespace, labels, annotations,
// finalizers, and that apiVersion/kind are present. Causes name each field.
Status ValidateMetadata(const Object& obj, bool namespaced);

// One condition as in metav1.Condition.
struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  int64_t observed_generation = 0;
};

// Sets or replaces the condition of the same type in status.conditions.
// lastTransitionTime changes only when status changes. Returns true when
// anything (status, reason, message, generation) changed.
bool SetCondition(Json& status, const Condition& c, std::chrono::system_clock::time_point now);
// The condition of `type`, or nullptr.
const Json* FindCondition(const Json& status, std::string_view type);
// True when the condition of `type` has status "True".
bool IsConditionTrue(const Json& status, std::string_view type);

}  // namespace berth::api
