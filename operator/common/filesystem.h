// FileSystem: the files berth reads and writes, behind an interface so tests
// can inject faults (disk full, permission denied) or observe writes.
//
// Errors come back as Status: NotFound for a missing path, ResourceExhausted
// for ENOSPC/EDQUOT, Forbidden for EACCES/EPERM, Internal otherwise.
// Implementations are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "operator/common/result.h"

namespace berth {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // Writes `data` to a temporary file beside `path`, fsyncs it, renames it over
  // `path` and fsyncs the directory: readers see the old or the new content,
  // never a mix, and the new content survives a crash once this returns OK.
  virtual Status WriteFileAtomic(const std::string& path, const std::string& data,
                                 unsigned mode = 0644) = 0;
  // Removes a file; a missing file is OK.
  virtual Status Remove(const std::string& path) = 0;
  // Removes a directory tree; a missing directory is OK.
  virtual Status RemoveAll(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // Creates the directory and its parents with `mode`; existing ones are OK.
  virtual Status MakeDirs(const std::string& path, unsigned mode = 0755) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) const = 0;
};

// The real filesystem. RealFileSystem() returns a process-wide instance.
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) const override;
  Status WriteFileAtomic(const std::string& path, const std::string& data, unsigned mode) override;
  Status Remove(const std::string& path) override;
  Status RemoveAll(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  bool Exists(const std::string& path) const override;
  Status MakeDirs(const std::string& path, unsigned mode) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) const override;
};

FileSystem& RealFileSystem();

// Maps an errno value to a Status with `what` as context.
Status ErrnoStatus(int err, const std::string& what);

}  // namespace berth
