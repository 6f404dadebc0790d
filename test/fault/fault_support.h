// Support for the fault-injection tests (test/fault/): a seed for the random
// fault points that the log names so a failing run can be replayed, and a
// size-limited tmpfs mounted for the length of a test. Test-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace berth::fault {

// The seed of this test's random fault points: $BERTH_FAULT_SEED when set
// (to replay a run), else a fresh one. Prints it and records it as the gtest
// property "fault_seed".
uint64_t FaultSeed();

// A tmpfs of a fixed size, mounted on an existing directory until this object
// goes (unmounted then even when the test failed; lazily if still busy).
class TmpfsMount {
 public:
  TmpfsMount() = default;
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  // Mounts a tmpfs of `size` ("8m") on `dir` (mode 0700); the reason when
  // that is not possible (not root, no mount permission in this container).
  std::optional<std::string> Mount(const std::string& dir, const std::string& size);
  void Unmount();
  // Bytes free on the mounted filesystem (statvfs).
  uint64_t FreeBytes() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Writes `path` until the filesystem holding it has no room left (ENOSPC),
// then leaves it there. Returns the bytes written, or nullopt with `why` set
// when writing failed for another reason.
std::optional<uint64_t> FillWith(const std::string& path, std::string* why);

}  // namespace berth::fault
