// MockApiClient: gmock ApiClient for CLI command tests and fault injection.
#pragma once

#include <gmock/gmock.h>

#include "operator/cli/api_client.h"

namespace berth::testing {

class MockApiClient : public cli::ApiClient {
 public:
  MOCK_METHOD(Result<api::Object>, Get,
              (const api::KindInfo&, const std::string&, const std::string&), (override));
  MOCK_METHOD(Result<cli::ObjectList>, List,
              (const api::KindInfo&, const std::string&, const cli::ListOptions&), (override));
  MOCK_METHOD(Result<api::Object>, Create,
              (const api::KindInfo&, const std::string&, const api::Object&,
               const cli::WriteOptions&),
              (override));
  MOCK_METHOD(Result<api::Object>, Update,
              (const api::KindInfo&, const std::string&, const api::Object&,
               const cli::WriteOptions&, bool),
              (override));
  MOCK_METHOD(Result<api::Object>, Patch,
              (const api::KindInfo&, const std::string&, const std::string&, cli::PatchType,
               const std::string&, const cli::WriteOptions&),
              (override));
  MOCK_METHOD(Result<api::Json>, Delete,
              (const api::KindInfo&, const std::string&, const std::string&,
               const cli::DeleteOptions&),
              (override));
  MOCK_METHOD(Status, Watch,
              (const api::KindInfo&, const std::string&, const cli::WatchOptions&,
               const std::function<bool(const cli::WatchEvent&)>&),
              (override));
  MOCK_METHOD(Result<cli::HttpResponse>, Raw, (const cli::HttpRequest&), (override));
  MOCK_METHOD(Status, RawLines,
              (const cli::HttpRequest&, const std::function<bool(std::string_view)>&), (override));
};

}  // namespace berth::testing
