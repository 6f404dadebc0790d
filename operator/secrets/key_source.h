// Where `berth serve` gets its Secret encryption key:
//  1. the environment variable BERTH_SECRET_KEY (base64 of 32 bytes), else
//  2. the file <data-dir>/secret.key (base64 text, mode 0600), created with
//     32 random bytes on first start.
// BERTH_SECRET_KEYS_PREVIOUS (comma-separated base64 keys) adds older keys
// that still open values they sealed (rotation). Several servers on one
// store must share the key: give them all the same BERTH_SECRET_KEY.
#pragma once

#include <string>

#include "operator/common/result.h"
#include "operator/secrets/keyring.h"

namespace berth::secrets {

inline constexpr const char* kKeyEnv = "BERTH_SECRET_KEY";
inline constexpr const char* kPreviousKeysEnv = "BERTH_SECRET_KEYS_PREVIOUS";
inline constexpr const char* kKeyFile = "secret.key";

struct KeySource {
  std::string env_key;        // value of BERTH_SECRET_KEY ("" when unset)
  std::string previous_keys;  // value of BERTH_SECRET_KEYS_PREVIOUS
  std::string data_dir;       // where secret.key lives
};

// The sources as the process environment gives them.
KeySource KeySourceFromEnv(const std::string& data_dir);

struct LoadedKeys {
  KeyRing ring;
  std::string origin;    // "BERTH_SECRET_KEY" or the key file's path (for the log)
  bool created = false;  // the key file was created now
};

// Loads (or, for the file, creates) the key. Errors: Invalid for a malformed
// key (the message never contains it), Forbidden for a key file readable by
// group or others, file system errors as they come. Creating the file is
// atomic (O_EXCL): two processes starting at once end with the same key.
Result<LoadedKeys> LoadKeys(const KeySource& source);

}  // namespace berth::secrets
