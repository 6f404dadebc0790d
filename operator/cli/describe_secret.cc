// describe secret: keys and sizes, never values.
#include "operator/cli/describe.h"

namespace berth::cli {
namespace {

// The decoded size of standard base64 text, or -1 when it is not base64
// (for instance a value the server redacted).
long long Base64Size(const std::string& s) {
  if (s.size() % 4 != 0) return -1;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (c == '=' && i + 2 >= s.size()) {
      ++pad;
      continue;
    }
    if (!ok || pad > 0) return -1;
  }
  return static_cast<long long>(s.size() / 4 * 3 - pad);
}

}  // namespace

void DescribeSecret(const api::Object& o, DescribeWriter& w, WallTime) {
  const api::Json& j = o.json();
  w.Field(0, "Type", j.value("type", "Opaque"));
  if (j.contains("immutable")) w.Field(0, "Immutable", j["immutable"].dump());
  const api::Json* data = j.contains("data") ? &j["data"] : nullptr;
  if (data == nullptr || !data->is_object() || data->empty()) {
    w.Field(0, "Data", "");
    return;
  }
  w.Section(0, "Data");
  for (const auto& [key, value] : data->items()) {
    long long n = value.is_string() ? Base64Size(value.get<std::string>()) : -1;
    w.Field(1, key, n < 0 ? "<redacted>" : std::to_string(n) + " bytes");
  }
}

}  // namespace berth::cli
