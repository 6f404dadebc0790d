#include "operator/secrets/key_source.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "operator/common/filesystem.h"
#include "operator/common/strings.h"

namespace berth::secrets {
namespace {

Result<std::string> ReadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "reading " + path);
  if ((st.st_mode & 077) != 0) {
    return Status::Forbidden(path + " is readable by group or others; run chmod 600 " + path);
  }
  BERTH_ASSIGN_OR_RETURN(std::string text, RealFileSystem().ReadFile(path));
  return KeyRing::DecodeKey(text, path);
}

// Creates `path` with a new random key unless it exists. Returns whether it
// created it.
Result<bool> CreateKeyFile(const std::string& path) {
  std::string raw(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    return Status::Internal("no random bytes for a new Secret encryption key");
  }
  std::string text = Base64Encode(raw) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;  // another process was first: use its key
    return ErrnoStatus(errno, "creating " + path);
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  int write_err = errno;
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size()) || !synced) {
    ::unlink(path.c_str());
    return ErrnoStatus(n < 0 ? write_err : EIO, "writing " + path);
  }
  return true;
}

}  // namespace

KeySource KeySourceFromEnv(const std::string& data_dir) {
  KeySource s;
  s.data_dir = data_dir;
  if (const char* v = std::getenv(kKeyEnv); v != nullptr) s.env_key = v;
  if (const char* v = std::getenv(kPreviousKeysEnv); v != nullptr) s.previous_keys = v;
  return s;
}

Result<LoadedKeys> LoadKeys(const KeySource& source) {
  std::vector<std::string> previous;
  int i = 0;
  for (const std::string& part : Split(source.previous_keys, ',', /*skip_empty=*/true)) {
    ++i;
    if (Trim(part).empty()) continue;
    BERTH_ASSIGN_OR_RETURN(
        std::string raw,
        KeyRing::DecodeKey(part, std::string(kPreviousKeysEnv) + " entry " + std::to_string(i)));
    previous.push_back(std::move(raw));
  }
  LoadedKeys out{KeyRing(), "", false};
  std::string primary;
  if (!Trim(source.env_key).empty()) {
    BERTH_ASSIGN_OR_RETURN(primary, KeyRing::DecodeKey(source.env_key, kKeyEnv));
    out.origin = kKeyEnv;
  } else {
    std::string path = source.data_dir + "/" + kKeyFile;
    BERTH_ASSIGN_OR_RETURN(out.created, CreateKeyFile(path));
    BERTH_ASSIGN_OR_RETURN(primary, ReadKeyFile(path));
    out.origin = path;
  }
  BERTH_ASSIGN_OR_RETURN(out.ring, KeyRing::Make(std::move(primary), std::move(previous)));
  return out;
}

}  // namespace berth::secrets
