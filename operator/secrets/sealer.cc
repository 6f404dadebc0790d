#include "operator/secrets/sealer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "operator/common/strings.h"

namespace berth::secrets {
namespace {

constexpr int kNonceBytes = 12;  // 96 bits, GCM's native nonce size
constexpr int kTagBytes = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* U(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// "berth:enc:aesgcm:v1:<id>:": the part of a sealed value before the payload.
std::string Header(const std::string& key_id) {
  return std::string(kSealedPrefix) + std::string(kScheme) + ":" + key_id + ":";
}

Status CryptoError(const char* step) {
  return Status::Internal(std::string("Secret encryption failed (") + step + ")");
}

}  // namespace

bool AesGcmSealer::IsSealed(std::string_view stored) {
  return StartsWith(stored, kSealedPrefix);
}

std::string AesGcmSealer::KeyIdOf(std::string_view stored) {
  if (!IsSealed(stored)) return "";
  std::string_view rest = stored.substr(kSealedPrefix.size());
  if (!StartsWith(rest, kScheme) || rest.size() <= kScheme.size() + 1) return "";
  rest = rest.substr(kScheme.size() + 1);
  size_t colon = rest.find(':');
  return colon == std::string_view::npos ? "" : std::string(rest.substr(0, colon));
}

Result<std::string> AesGcmSealer::Seal(std::string_view plain) {
  const Key& key = keys_.primary();
  std::string header = Header(key.id);
  std::string blob(kNonceBytes + plain.size() + kTagBytes, '\0');
  if (RAND_bytes(U(blob), kNonceBytes) != 1) return CryptoError("no random nonce");
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return CryptoError("context");
  int len = 0;
  unsigned char* nonce = U(blob);
  unsigned char* out = nonce + kNonceBytes;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key.bytes), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(header), static_cast<int>(header.size())) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, U(plain), static_cast<int>(plain.size())) != 1) {
    return CryptoError("encrypt");
  }
  int total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), out + total, &len) != 1) return CryptoError("finish");
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out + total) != 1) {
    return CryptoError("tag");
  }
  blob.resize(kNonceBytes + total + kTagBytes);
  return header + Base64Encode(blob);
}

Result<std::string> AesGcmSealer::Open(std::string_view sealed) {
  if (!IsSealed(sealed)) {
    // Stored before encryption was enabled: plain JSON, sealed on next write.
    std::string_view t = Trim(sealed);
    if (!t.empty() && t.front() == '{') return std::string(sealed);
    return Status::Internal("a stored Secret is neither sealed nor a JSON object");
  }
  std::string id = KeyIdOf(sealed);
  if (id.empty()) {
    return Status::Internal("a stored Secret is sealed with an unknown scheme (this berth reads " +
                            std::string(kScheme) + ")");
  }
  const Key* key = keys_.Find(id);
  if (key == nullptr) {
    return Status::Internal("a stored Secret is sealed with key " + id +
                            ", which this server does not have (it has " + Join(keys_.Ids(), ", ") +
                            "): start berth with the key the Secrets were sealed with "
                            "(BERTH_SECRET_KEY or <data-dir>/secret.key)");
  }
  std::string header = Header(id);
  std::string blob;
  if (!Base64Decode(sealed.substr(header.size()), &blob) ||
      blob.size() < static_cast<size_t>(kNonceBytes) + static_cast<size_t>(kTagBytes)) {
    return Status::Internal("a stored Secret sealed with key " + id + " is truncated or corrupted");
  }
  size_t ct_len = blob.size() - kNonceBytes - kTagBytes;
  std::string plain(ct_len, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return CryptoError("context");
  int len = 0;
  unsigned char* nonce = U(blob);
  unsigned char* ct = nonce + kNonceBytes;
  unsigned char* tag = ct + ct_len;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key->bytes), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(header), static_cast<int>(header.size())) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), U(plain), &len, ct, static_cast<int>(ct_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1) {
    return CryptoError("decrypt");
  }
  int total = len;
  if (EVP_DecryptFinal_ex(ctx.get(), U(plain) + total, &len) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());  // unauthenticated: never hand it out
    return Status::Internal("a stored Secret failed authentication with key " + id +
                            ": the value was altered or sealed with another key");
  }
  plain.resize(total + len);
  return plain;
}

}  // namespace berth::secrets
