#include "operator/secrets/keyring.h"

#include "operator/common/strings.h"

namespace berth::secrets {

Result<KeyRing> KeyRing::Make(std::string primary, std::vector<std::string> older) {
  KeyRing ring;
  older.insert(older.begin(), std::move(primary));
  for (std::string& raw : older) {
    if (raw.size() != kKeyBytes) {
      return Status::Invalid("a Secret encryption key must be " + std::to_string(kKeyBytes) +
                             " bytes, not " + std::to_string(raw.size()));
    }
    std::string id = KeyId(raw);
    if (ring.Find(id) != nullptr) continue;
    ring.keys_.push_back({std::move(id), std::move(raw)});
  }
  return ring;
}

Result<std::string> KeyRing::DecodeKey(std::string_view base64_text, std::string_view what) {
  std::string raw;
  if (!Base64Decode(Trim(base64_text), &raw)) {
    return Status::Invalid(std::string(what) + " is not base64 text (expected base64 of " +
                           std::to_string(kKeyBytes) + " random bytes, e.g. from `openssl rand " +
                           "-base64 32`)");
  }
  if (raw.size() != kKeyBytes) {
    return Status::Invalid(std::string(what) + " decodes to " + std::to_string(raw.size()) +
                           " bytes; an AES-256 key needs exactly " + std::to_string(kKeyBytes) +
                           " (e.g. from `openssl rand -base64 32`)");
  }
  return raw;
}

std::string KeyRing::KeyId(std::string_view raw_key) {
  // A label keeps the id from being a plain hash of the key.
  return "k" + Sha256Hex("berth.dev/secret-key-id\n" + std::string(raw_key)).substr(0, 8);
}

const Key* KeyRing::Find(std::string_view id) const {
  for (const Key& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

std::vector<std::string> KeyRing::Ids() const {
  std::vector<std::string> ids;
  for (const Key& k : keys_) ids.push_back(k.id);
  return ids;
}

}  // namespace berth::secrets
