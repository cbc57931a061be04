// The clock seam. Every evtape library reads time here: the two system clocks as free
// functions (receive stamps, metadata, timeouts), and Clock for code that sleeps on deadlines
// (the replay scheduler), which tests drive with a ManualClock while production uses
// CLOCK_MONOTONIC with absolute sleeps.
//
// Threads: a Clock is used by the one thread that runs the replay. RequestStop() may be called
// from any thread or a signal handler (it only stores to a lock-free atomic).
#pragma once

#include <atomic>
#include <cstdint>

namespace evtape {

// CLOCK_REALTIME in nanoseconds since the Unix epoch (what recordings store as receive time).
int64_t RealtimeNs();
// CLOCK_MONOTONIC in nanoseconds (arbitrary origin, never goes back; for intervals).
int64_t MonotonicNs();

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic nanoseconds (arbitrary origin, never goes back).
  virtual int64_t NowNs() = 0;
  // Returns once NowNs() >= deadline_ns (true), or early when a stop was requested (false).
  virtual bool SleepUntil(int64_t deadline_ns) = 0;
};

// CLOCK_MONOTONIC with clock_nanosleep(TIMER_ABSTIME): the deadline is absolute, so a late
// wake-up never shifts later deadlines. With spin_ns > 0 it sleeps until deadline - spin_ns and
// then polls the clock (sub-microsecond accuracy at the cost of a busy core for that window).
// The constructor lowers this thread's timer slack to 1 ns (PR_SET_TIMERSLACK), which halves
// the median wake-up lateness on Linux (measured: docs/replay.md, "Timing").
class MonotonicClock : public Clock {
 public:
  explicit MonotonicClock(int64_t spin_ns = 0, const std::atomic<bool>* stop = nullptr);
  int64_t NowNs() override;
  bool SleepUntil(int64_t deadline_ns) override;

 private:
  int64_t spin_ns_;
  const std::atomic<bool>* stop_;
};

// A clock for tests: time moves only through Advance() and SleepUntil(), which jumps to the
// deadline plus an optional simulated wake-up lateness.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t start_ns = 1'000'000'000) : now_(start_ns) {}
  int64_t NowNs() override { return now_; }
  bool SleepUntil(int64_t deadline_ns) override {
    ++sleeps_;
    if (deadline_ns > now_) now_ = deadline_ns + wake_latency_ns_;
    return true;
  }
  void Advance(int64_t ns) { now_ += ns; }
  void set_wake_latency(int64_t ns) { wake_latency_ns_ = ns; }
  int sleeps() const { return sleeps_; }

 private:
  int64_t now_;
  int64_t wake_latency_ns_ = 0;
  int sleeps_ = 0;
};

}  // namespace evtape
