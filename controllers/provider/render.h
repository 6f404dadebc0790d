// Rendering Provider records into the config files their consumers read.
// Pure functions of the Provider objects and their decoded API keys: the
// caller resolves the keys (keys.h) and does the I/O. Output is deterministic
// (fixed key order, providers in the order given) and ends with a newline.
// The output holds API keys: it is secret material; never log it.
//
// Formats (docs/secrets-and-providers.md has examples):
//  - instance-config: an app instance's config.json (seed 001), one JSON
//    object with sorted keys:
//      {"apiKey": "...", "baseURL": "...", "model": "...", "models": [...],
//       "provider": "<spec.type>", "providerName": "<metadata.name>"}
//    apiKey is "" for a vllm Provider without a key.
//  - uni-api: the api.yaml uni-api reads (seed 003):
//      providers:
//        - provider: "<name>"
//          base_url: "<endpoint>"   # baseURL + /chat/completions (OpenAI-style),
//                                   # /messages (anthropic); gemini as written
//          api: "<key>"             # left out when the Provider has no key
//          model: ["<m>", ...]
//      api_keys:                    # only when gateway keys are given
//        - api: "<key>"
//          model: ["all"]           # each key may use every model
//    Scalars are written as double-quoted strings, so no value can change
//    the document's structure.
#pragma once

#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/common/result.h"

namespace berth::provider {

inline constexpr const char* kFormatUniApi = "uni-api";
inline constexpr const char* kFormatInstanceConfig = "instance-config";

// A Provider with its decoded API key ("" when it has none).
struct KeyedProvider {
  api::Object provider;
  std::string api_key;
};

// config.json of an app instance for `provider` (a Provider object as stored)
// with its decoded `api_key`. `model` overrides spec.defaultModel (then the
// first of spec.models). Invalid when the Provider lacks spec.baseURL or, for
// any type but vllm, the key is empty.
Result<std::string> RenderInstanceConfig(const api::Object& provider, const std::string& api_key,
                                         const std::string& model = "");

// uni-api's api.yaml for `providers` (in this order; at least one).
// `gateway_keys`: the keys clients present to uni-api (its api_keys list).
Result<std::string> RenderUniApi(const std::vector<KeyedProvider>& providers,
                                 const std::vector<std::string>& gateway_keys = {});

// Renders `format` (kFormatUniApi or kFormatInstanceConfig; the latter takes
// exactly one provider). InvalidArgument-like Invalid for anything else.
Result<std::string> RenderFormat(const std::string& format,
                                 const std::vector<KeyedProvider>& providers);

// The endpoint uni-api calls for a Provider: its baseURL completed with the
// chat path of its type (see above).
std::string UniApiBaseUrl(const std::string& type, const std::string& base_url);

// `text` with every occurrence of each non-empty `secrets` value replaced by
// "<redacted:sha256:XXXXXXXX>" (the first 8 hex digits of the value's
// SHA-256), so a changed key shows as a change without being revealed.
// Longer values are replaced first.
std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace berth::provider
