// MockFileSystem: gmock FileSystem for fault injection (disk full, EACCES).
#pragma once

#include <gmock/gmock.h>

#include "operator/common/filesystem.h"

namespace berth::testing {

class MockFileSystem : public FileSystem {
 public:
  MOCK_METHOD(Result<std::string>, ReadFile, (const std::string&), (const, override));
  MOCK_METHOD(Status, WriteFileAtomic, (const std::string&, const std::string&, unsigned),
              (override));
  MOCK_METHOD(Status, Remove, (const std::string&), (override));
  MOCK_METHOD(Status, RemoveAll, (const std::string&), (override));
  MOCK_METHOD(Status, Rename, (const std::string&, const std::string&), (override));
  MOCK_METHOD(bool, Exists, (const std::string&), (const, override));
  MOCK_METHOD(Status, MakeDirs, (const std::string&, unsigned), (override));
  MOCK_METHOD(Result<std::vector<std::string>>, ListDir, (const std::string&), (const, override));
};

}  // namespace berth::testing
