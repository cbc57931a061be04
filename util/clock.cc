#include "util/clock.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <cerrno>

namespace evtape {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
// Long sleeps are cut into slices so that a stop request is noticed promptly.
constexpr int64_t kMaxSliceNs = 100'000'000;

timespec ToTimespec(int64_t ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / kNsPerSec);
  ts.tv_nsec = static_cast<long>(ns % kNsPerSec);
  return ts;
}

int64_t Read(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

}  // namespace

int64_t RealtimeNs() { return Read(CLOCK_REALTIME); }
int64_t MonotonicNs() { return Read(CLOCK_MONOTONIC); }

MonotonicClock::MonotonicClock(int64_t spin_ns, const std::atomic<bool>* stop)
    : spin_ns_(std::max<int64_t>(0, spin_ns)), stop_(stop) {
  // Best effort: the default 50 us slack is added to every timed wake-up otherwise.
  (void)::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

int64_t MonotonicClock::NowNs() { return MonotonicNs(); }

bool MonotonicClock::SleepUntil(int64_t deadline_ns) {
  const int64_t sleep_target = deadline_ns - spin_ns_;
  for (;;) {
    if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) return false;
    const int64_t now = NowNs();
    if (now >= sleep_target) break;
    const int64_t until = std::min(sleep_target, now + kMaxSliceNs);
    const timespec ts = ToTimespec(until);
    int rc = ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    if (rc != 0 && rc != EINTR) break;  // EINVAL cannot happen for a valid timespec
  }
  while (NowNs() < deadline_ns) {
    if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) return false;
  }
  return true;
}

}  // namespace evtape
