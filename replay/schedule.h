// The replay schedule: when each message is due, as an offset from the start of the run, and
// the pacer that waits for those deadlines on a Clock.
//
// Deadlines are absolute and derived from the recording alone: message i is due at
// start + v_i / speed, where v_0 = 0 and v_i = v_{i-1} + clamp(t_i - t_{i-1}, 0, max_gap) (t =
// recorded receive time). Without --max-gap and with monotone receive times this is exactly
// (t_i - t_0) / speed. A message whose deadline has passed goes out at once; that never moves a
// later deadline, because no deadline depends on when anything was actually sent. --rate N
// makes message i due at i / N seconds. Pure arithmetic in integers (long double only for the
// final division), so the schedule is identical on every run.
//
// Not thread-safe: one replay thread owns a Timeline and a Pacer.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "util/clock.h"

namespace evtape::replay {

struct Pace {
  enum class Mode { kSpeed, kMax, kRate };
  Mode mode = Mode::kSpeed;
  double speed = 1.0;     // kSpeed: > 0
  double rate = 0.0;      // kRate: messages per second, > 0
  int64_t max_gap_ns = -1;  // cap on a recorded silence before scaling; -1 = none
  bool paced() const { return mode != Mode::kMax; }
  // "1x", "10x", "max", "500 msg/s" (+ ", max gap 2 s").
  std::string Describe() const;
};

// The longest schedule a replay can have: 100 years (int64 nanoseconds reach 292).
inline constexpr int64_t kMaxScheduleNs = 100LL * 365 * 24 * 3600 * 1'000'000'000;

// Maps recorded receive times to schedule offsets (ns from the start of one pass).
class Timeline {
 public:
  explicit Timeline(const Pace& pace) : pace_(pace) {}
  // The offset of the next message, recorded at time_ns.
  int64_t Next(int64_t time_ns);
  // Starts a new pass (a loop iteration): the next message is offset 0 again.
  void Reset();
  // The offset of the last message returned by Next() (0 before the first).
  int64_t last_offset() const { return last_offset_; }
  // Recorded time covered so far in this pass at 1x, gaps capped (kSpeed only).
  int64_t recorded_ns() const { return virtual_ns_; }
  // True once an offset went beyond kMaxScheduleNs (it was saturated there).
  bool overflow() const { return overflow_; }

 private:
  Pace pace_;
  bool first_ = true;
  bool overflow_ = false;
  int64_t prev_time_ = 0;
  int64_t virtual_ns_ = 0;  // recorded time elapsed, gaps capped
  uint64_t index_ = 0;
  int64_t last_offset_ = 0;
};

// A log-bucketed histogram of non-negative nanosecond values (about 3% resolution), so the
// lateness of an endless loop needs constant memory. Max and count are exact.
class LatencyHistogram {
 public:
  void Add(int64_t ns);
  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  // The value at quantile q in [0, 1] (upper edge of its bucket, never above max()).
  int64_t Quantile(double q) const;

 private:
  static constexpr int kSubBits = 5;  // 32 sub-buckets per power of two
  static constexpr int kBuckets = 64 << kSubBits;
  static int BucketOf(uint64_t v);
  static uint64_t UpperEdge(int bucket);
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
};

// Waits for deadlines on a Clock and measures how late each wake-up was.
class Pacer {
 public:
  explicit Pacer(Clock* clock) : clock_(clock) {}
  // Anchors the schedule: offset 0 is now.
  void Start() { start_ns_ = clock_->NowNs(); }
  // Moves the anchor by delta_ns (a loop's start, computed from the schedule, not from when
  // the previous pass actually ended).
  void ShiftAnchor(int64_t delta_ns) { start_ns_ += delta_ns; }
  // Waits until start + offset_ns; false when the clock was stopped. *late_ns gets now minus
  // the deadline after the wait (>= 0); a deadline already past returns at once.
  bool WaitFor(int64_t offset_ns, int64_t* late_ns);
  int64_t start_ns() const { return start_ns_; }
  int64_t ElapsedNs() { return clock_->NowNs() - start_ns_; }
  Clock* clock() { return clock_; }

 private:
  Clock* clock_;
  int64_t start_ns_ = 0;
};

}  // namespace evtape::replay
