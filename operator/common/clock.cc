#include "operator/common/clock.h"

namespace berth {

Clock& RealClock() {
  static SystemClock clock;
  return clock;
}

}  // namespace berth
