// MockNginx: gmock router::Nginx, to script `nginx -t` outcomes.
#pragma once

#include <gmock/gmock.h>

#include "controllers/router/nginx.h"

namespace berth::testing {

class MockNginx : public router::Nginx {
 public:
  MOCK_METHOD(Status, Test, (const std::string&), (override));
  MOCK_METHOD(Status, Reload, (const std::string&), (override));
};

}  // namespace berth::testing
