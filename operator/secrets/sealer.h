// AesGcmSealer: the registry Transformer that encrypts Secrets at rest with
// AES-256-GCM (OpenSSL). Every Seal draws a fresh random 96-bit nonce. A
// sealed value is text:
//
//   berth:enc:aesgcm:v1:<key id>:<base64(nonce || ciphertext || 16-byte tag)>
//
// where everything before the last ':' is also authenticated (GCM additional
// data), so neither the scheme nor the key id can be altered unnoticed. The
// key id picks the key of the KeyRing that opens the value (rotation: seal
// with a new primary, open with any key of the ring).
//
// Open accepts, besides sealed values, a plain JSON object (a Secret stored
// before encryption was enabled; the next write seals it). Every failure is
// Internal and names the key ids involved, never the plaintext or a key.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "operator/registry/registry.h"
#include "operator/secrets/keyring.h"

namespace berth::secrets {

inline constexpr std::string_view kSealedPrefix = "berth:enc:";
inline constexpr std::string_view kScheme = "aesgcm:v1";

class AesGcmSealer final : public registry::Transformer {
 public:
  explicit AesGcmSealer(KeyRing keys) : keys_(std::move(keys)) {}

  Result<std::string> Seal(std::string_view plain) override;
  Result<std::string> Open(std::string_view sealed) override;

  const KeyRing& keys() const { return keys_; }

  // True when `stored` is a sealed value (any scheme or key).
  static bool IsSealed(std::string_view stored);
  // The key id a sealed value names ("" when it is not sealed).
  static std::string KeyIdOf(std::string_view stored);

 private:
  KeyRing keys_;
};

}  // namespace berth::secrets
