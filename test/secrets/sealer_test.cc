// AesGcmSealer and KeyRing: round trips, a fresh nonce per write, the sealed
// format (scheme and key id in front, authenticated), and failures that are
// clear and never contain the plaintext or a key.
#include "operator/secrets/sealer.h"

#include <gtest/gtest.h>

#include <set>

#include "operator/common/strings.h"

namespace berth::secrets {
namespace {

std::string RawKey(char fill) {
  return std::string(kKeyBytes, fill);
}

AesGcmSealer SealerWith(const std::string& primary, std::vector<std::string> older = {}) {
  auto ring = KeyRing::Make(primary, std::move(older));
  EXPECT_TRUE(ring.ok()) << ring.status().ToString();
  return AesGcmSealer(std::move(ring).value());
}

constexpr const char* kPlain = R"({"kind":"Secret","data":{"apiKey":"c2stbGl2ZS1zZWNyZXQ="}})";

TEST(SealerTest, RoundTripsAndHidesThePlaintext) {
  AesGcmSealer s = SealerWith(RawKey('a'));
  auto sealed = s.Seal(kPlain);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_EQ(sealed->find("c2stbGl2ZS1zZWNyZXQ"), std::string::npos);
  EXPECT_EQ(sealed->find("Secret"), std::string::npos);
  auto opened = s.Open(*sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, kPlain);
}

TEST(SealerTest, EveryWriteUsesAFreshNonce) {
  AesGcmSealer s = SealerWith(RawKey('a'));
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto sealed = s.Seal(kPlain);
    ASSERT_TRUE(sealed.ok());
    std::string blob;
    ASSERT_TRUE(Base64Decode(sealed->substr(sealed->rfind(':') + 1), &blob));
    EXPECT_TRUE(seen.insert(blob.substr(0, 12)).second) << "nonce repeated";
  }
}

TEST(SealerTest, FormatNamesSchemeAndKeyForRotation) {
  AesGcmSealer s = SealerWith(RawKey('a'));
  auto sealed = s.Seal("{}");
  ASSERT_TRUE(sealed.ok());
  std::string id = KeyRing::KeyId(RawKey('a'));
  EXPECT_TRUE(StartsWith(*sealed, "berth:enc:aesgcm:v1:" + id + ":")) << *sealed;
  EXPECT_EQ(AesGcmSealer::KeyIdOf(*sealed), id);
  EXPECT_TRUE(AesGcmSealer::IsSealed(*sealed));
  // nonce (12) + ciphertext (2) + tag (16)
  std::string blob;
  ASSERT_TRUE(Base64Decode(sealed->substr(sealed->rfind(':') + 1), &blob));
  EXPECT_EQ(blob.size(), 12u + 2u + 16u);
}

TEST(SealerTest, RotationSealsWithTheNewKeyAndOpensWithTheOld) {
  AesGcmSealer old_sealer = SealerWith(RawKey('a'));
  auto before = old_sealer.Seal(kPlain);
  ASSERT_TRUE(before.ok());

  AesGcmSealer rotated = SealerWith(RawKey('b'), {RawKey('a')});
  auto opened = rotated.Open(*before);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, kPlain);
  auto after = rotated.Seal(*opened);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(AesGcmSealer::KeyIdOf(*after), KeyRing::KeyId(RawKey('b')));
  // The old key alone cannot read what the new one sealed, and says why.
  auto refused = old_sealer.Open(*after);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(KeyRing::KeyId(RawKey('b'))), std::string::npos);
  EXPECT_NE(refused.status().message().find("BERTH_SECRET_KEY"), std::string::npos);
}

TEST(SealerTest, WrongKeyOrTamperingIsAClearErrorWithoutPlaintextOrKey) {
  AesGcmSealer s = SealerWith(RawKey('a'));
  auto sealed = s.Seal(kPlain);
  ASSERT_TRUE(sealed.ok());

  // Same key id, different bytes: only possible by tampering; authentication fails.
  std::string blob;
  std::string header = sealed->substr(0, sealed->rfind(':') + 1);
  ASSERT_TRUE(Base64Decode(sealed->substr(header.size()), &blob));
  blob[14] = static_cast<char>(blob[14] ^ 1);
  auto tampered = s.Open(header + Base64Encode(blob));
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.status().code(), Code::kInternal);
  EXPECT_NE(tampered.status().message().find("failed authentication"), std::string::npos);

  // The authenticated header: another key id written in front fails too.
  std::string other_id = KeyRing::KeyId(RawKey('b'));
  AesGcmSealer both = SealerWith(RawKey('a'), {RawKey('b')});
  std::string swapped = "berth:enc:aesgcm:v1:" + other_id + ":" + sealed->substr(header.size());
  EXPECT_FALSE(both.Open(swapped).ok());

  AesGcmSealer wrong = SealerWith(RawKey('c'));
  auto refused = wrong.Open(*sealed);
  ASSERT_FALSE(refused.ok());
  for (const Status& st : {tampered.status(), refused.status()}) {
    std::string text = st.ToString();
    EXPECT_EQ(text.find("c2stbGl2ZS1zZWNyZXQ"), std::string::npos) << text;
    EXPECT_EQ(text.find("apiKey"), std::string::npos) << text;
    EXPECT_EQ(text.find(RawKey('a')), std::string::npos) << text;
    EXPECT_EQ(text.find(Base64Encode(RawKey('a'))), std::string::npos) << text;
  }
}

TEST(SealerTest, TruncatedUnknownSchemeAndLegacyPlainValues) {
  AesGcmSealer s = SealerWith(RawKey('a'));
  std::string id = KeyRing::KeyId(RawKey('a'));
  EXPECT_FALSE(s.Open("berth:enc:aesgcm:v1:" + id + ":AAAA").ok());
  EXPECT_FALSE(s.Open("berth:enc:aesgcm:v1:" + id + ":not base64!").ok());
  auto unknown = s.Open("berth:enc:chacha:v9:x:AAAA");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown scheme"), std::string::npos);
  // Written before encryption was turned on: read as is.
  auto legacy = s.Open(kPlain);
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(*legacy, kPlain);
  EXPECT_FALSE(s.Open("garbage").ok());
}

TEST(KeyRingTest, RefusesKeysOfTheWrongSizeWithoutEchoingThem) {
  EXPECT_FALSE(KeyRing::Make(std::string(16, 'x')).ok());
  EXPECT_FALSE(KeyRing::Make(RawKey('a'), {std::string(31, 'x')}).ok());
  auto bad = KeyRing::DecodeKey("c2hvcnQta2V5", "BERTH_SECRET_KEY");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("c2hvcnQta2V5"), std::string::npos);
  EXPECT_NE(bad.status().message().find("9 bytes"), std::string::npos);
  auto junk = KeyRing::DecodeKey("%%%not-base64%%%", "BERTH_SECRET_KEY");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().message().find("not-base64"), std::string::npos);
  auto good = KeyRing::DecodeKey(" " + Base64Encode(RawKey('z')) + "\n", "x");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, RawKey('z'));
}

TEST(KeyRingTest, IdsAreStableDistinctAndDeduplicated) {
  EXPECT_EQ(KeyRing::KeyId(RawKey('a')), KeyRing::KeyId(RawKey('a')));
  EXPECT_NE(KeyRing::KeyId(RawKey('a')), KeyRing::KeyId(RawKey('b')));
  EXPECT_EQ(KeyRing::KeyId(RawKey('a')).size(), 9u);
  auto ring = KeyRing::Make(RawKey('a'), {RawKey('a'), RawKey('b')});
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->Ids().size(), 2u);
  EXPECT_EQ(ring->primary().id, KeyRing::KeyId(RawKey('a')));
}

}  // namespace
}  // namespace berth::secrets
