#include "operator/runtime/reconciler.h"

#include <gtest/gtest.h>

namespace berth::runtime {
namespace {

TEST(ReconcilerTest, TerminalErrorKeepsCodeAndIsRecognised) {
  Status plain = Status::Unavailable("docker is down");
  EXPECT_FALSE(IsTerminal(plain));
  Status t = TerminalError(Status::Invalid("bad port", {{"spec.ports[0]", "not a port"}}));
  EXPECT_TRUE(IsTerminal(t));
  EXPECT_EQ(t.code(), Code::kInvalid);
  EXPECT_EQ(t.causes().size(), 1u);
  EXPECT_NE(t.message().find("bad port"), std::string::npos);
}

TEST(ReconcilerTest, TerminalSurvivesPrefixing) {
  Status t = TerminalError(Status::BadRequest("unknown image")).Prefixed("service web");
  EXPECT_TRUE(IsTerminal(t));
}

TEST(ReconcilerTest, TerminalOfOkIsAnError) {
  Status t = TerminalError(Status::Ok());
  EXPECT_FALSE(t.ok());
  EXPECT_TRUE(IsTerminal(t));
  EXPECT_FALSE(IsTerminal(Status::Ok()));
}

TEST(ReconcilerTest, TerminalIsIdempotent) {
  Status t = TerminalError(TerminalError(Status::Internal("x")));
  EXPECT_EQ(t.message(), "[terminal] x");
}

}  // namespace
}  // namespace berth::runtime
