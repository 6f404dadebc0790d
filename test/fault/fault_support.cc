#include "test/fault/fault_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <vector>

namespace berth::fault {

uint64_t FaultSeed() {
  uint64_t seed = 0;
  const char* env = std::getenv("BERTH_FAULT_SEED");
  if (env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  std::cout << "fault seed: " << seed << " (replay with BERTH_FAULT_SEED=" << seed << ")"
            << std::endl;
  ::testing::Test::RecordProperty("fault_seed", std::to_string(seed));
  return seed;
}

TmpfsMount::~TmpfsMount() {
  Unmount();
}

std::optional<std::string> TmpfsMount::Mount(const std::string& dir, const std::string& size) {
  std::string opts = "size=" + size + ",mode=0700";
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0) {
    return "cannot mount a tmpfs on " + dir + ": " + std::strerror(errno);
  }
  dir_ = dir;
  mounted_ = true;
  return std::nullopt;
}

void TmpfsMount::Unmount() {
  if (!mounted_) return;
  if (::umount2(dir_.c_str(), 0) != 0) {
    std::cerr << "umount " << dir_ << ": " << std::strerror(errno) << "; detaching lazily\n";
    ::umount2(dir_.c_str(), MNT_DETACH);
  }
  mounted_ = false;
}

uint64_t TmpfsMount::FreeBytes() const {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

std::optional<uint64_t> FillWith(const std::string& path, std::string* why) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *why = "open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::vector<char> chunk(64 * 1024, 'x');
  uint64_t total = 0;
  size_t size = chunk.size();
  while (true) {
    ssize_t n = ::write(fd, chunk.data(), size);
    if (n > 0) {
      total += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != ENOSPC) {
      *why = "write " + path + ": " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    // Full for this size: the last partial block may still take smaller writes.
    if (size == 1) break;
    size /= 2;
  }
  ::fsync(fd);
  ::close(fd);
  return total;
}

}  // namespace berth::fault
