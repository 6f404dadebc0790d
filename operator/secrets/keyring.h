// KeyRing: the AES-256 keys that seal Secrets at rest. The primary key seals
// every write; every key in the ring can open what it sealed, so a key can be
// rotated by making a new key primary and keeping the old one until every
// Secret was rewritten. Each key has an id derived from its bytes, written in
// front of every sealed value, so a value names the key it needs.
// Value type; thread-compatible (immutable once built, safe to share).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"

namespace berth::secrets {

inline constexpr size_t kKeyBytes = 32;  // AES-256

struct Key {
  std::string id;     // "k" + 8 hex digits of SHA-256 over a label and the key
  std::string bytes;  // kKeyBytes raw bytes; never logged
};

class KeyRing {
 public:
  // Invalid unless `primary` is kKeyBytes long; `older` keys of another size
  // are refused the same way. Duplicate keys are ignored.
  static Result<KeyRing> Make(std::string primary, std::vector<std::string> older = {});
  // Parses base64 text (whitespace around it ignored) of a kKeyBytes key.
  // The error says what is wrong without echoing the text.
  static Result<std::string> DecodeKey(std::string_view base64_text, std::string_view what);
  // The id of a raw key.
  static std::string KeyId(std::string_view raw_key);

  const Key& primary() const { return keys_.front(); }
  // The key with `id`, or nullptr.
  const Key* Find(std::string_view id) const;
  // Ids of every key, primary first (for error messages).
  std::vector<std::string> Ids() const;

 private:
  std::vector<Key> keys_;  // primary first
};

}  // namespace berth::secrets
