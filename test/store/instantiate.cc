// Instantiates the conformance suite for the backend this executable is built
// for (BERTH_STORE_BACKEND, set by CMakeLists.txt).
#include "test/store/store_fixture.h"

namespace berth::store::testing {

INSTANTIATE_TEST_SUITE_P(Store, StoreTest, ::testing::Values(BERTH_STORE_BACKEND), BackendName);

}  // namespace berth::store::testing
