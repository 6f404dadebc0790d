#include "operator/runtime/signals.h"

#include <gtest/gtest.h>

#include <atomic>

#include "test/runtime/runtime_test_util.h"

namespace berth::runtime {
namespace {

TEST(ShutdownSignalsTest, SigtermCallsTheCallbackOnItsOwnThread) {
  std::atomic<int> got{0};
  {
    auto signals = ShutdownSignals::Install([&](int signo) { got = signo; });
    ASSERT_TRUE(signals.ok()) << signals.status().ToString();
    ASSERT_EQ(kill(getpid(), SIGTERM), 0);
    ASSERT_TRUE(testing::WaitFor([&] { return got.load() == SIGTERM; }));
    EXPECT_EQ((*signals)->received(), 1);
  }
  // The mask is restored and the thread is gone.
  sigset_t now;
  pthread_sigmask(SIG_BLOCK, nullptr, &now);
  EXPECT_FALSE(sigismember(&now, SIGTERM));
}

TEST(ShutdownSignalsTest, SigintToo) {
  std::atomic<int> got{0};
  auto signals = ShutdownSignals::Install([&](int signo) { got = signo; });
  ASSERT_TRUE(signals.ok());
  ASSERT_EQ(kill(getpid(), SIGINT), 0);
  ASSERT_TRUE(testing::WaitFor([&] { return got.load() == SIGINT; }));
}

TEST(ShutdownSignalsTest, DestroyingWithoutASignalDoesNotCallBack) {
  std::atomic<int> calls{0};
  {
    auto signals = ShutdownSignals::Install([&](int) { ++calls; });
  }
  EXPECT_EQ(calls, 0);
}

TEST(ShutdownSignalsTest, ASignalBeforeTheHandlerIsSetIsHandledWhenItIs) {
  auto signals = ShutdownSignals::Install();
  ASSERT_TRUE(signals.ok());
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  ASSERT_TRUE(testing::WaitFor([&] { return (*signals)->received() == 1; }));
  std::atomic<int> got{0};
  (*signals)->SetHandler([&](int signo) { got = signo; });
  ASSERT_TRUE(testing::WaitFor([&] { return got.load() == SIGTERM; }));
}

}  // namespace
}  // namespace berth::runtime
