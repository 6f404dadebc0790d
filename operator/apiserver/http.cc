#include "operator/apiserver/http.h"

#include "operator/common/strings.h"

namespace berth::apiserver {

std::string Request::Query(std::string_view key, std::string_view fallback) const {
  auto it = query.find(std::string(key));
  return it == query.end() ? std::string(fallback) : it->second;
}

bool Request::QueryFlag(std::string_view key) const {
  std::string v = Query(key);
  return v == "true" || v == "1" || v == "True";
}

std::string Request::Header(std::string_view name) const {
  auto it = headers.find(ToLower(name));
  return it == headers.end() ? "" : it->second;
}

}  // namespace berth::apiserver
