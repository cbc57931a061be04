#include "replay/schedule.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "util/units.h"

namespace evtape::replay {

std::string Pace::Describe() const {
  char buf[96];
  switch (mode) {
    case Mode::kMax:
      return "max";
    case Mode::kRate:
      std::snprintf(buf, sizeof buf, "%g msg/s", rate);
      return buf;
    case Mode::kSpeed:
      break;
  }
  std::snprintf(buf, sizeof buf, "%gx", speed);
  std::string out = buf;
  if (max_gap_ns >= 0) out += ", max gap " + FormatDuration(max_gap_ns);
  return out;
}

int64_t Timeline::Next(int64_t time_ns) {
  long double offset = 0;
  switch (pace_.mode) {
    case Pace::Mode::kMax:
      break;
    case Pace::Mode::kRate:
      offset = static_cast<long double>(index_) * 1e9L / pace_.rate;
      break;
    case Pace::Mode::kSpeed: {
      if (!first_) {
        // Saturating: recorded times may be anything a recording holds.
        int64_t delta = 0;
        if (__builtin_sub_overflow(time_ns, prev_time_, &delta)) {
          delta = time_ns > prev_time_ ? INT64_MAX : 0;
        }
        delta = std::max<int64_t>(0, delta);
        if (pace_.max_gap_ns >= 0) delta = std::min(delta, pace_.max_gap_ns);
        int64_t v = 0;
        if (__builtin_add_overflow(virtual_ns_, delta, &v) || v > kMaxScheduleNs) v = kMaxScheduleNs;
        virtual_ns_ = v;
      }
      offset = static_cast<long double>(virtual_ns_) / pace_.speed;
      break;
    }
  }
  // Beyond kMaxScheduleNs the offset cannot be represented (nor waited for): saturate and say
  // so, rather than wrap into a schedule that publishes everything at once.
  if (offset > static_cast<long double>(kMaxScheduleNs)) {
    overflow_ = true;
    offset = static_cast<long double>(kMaxScheduleNs);
  }
  last_offset_ = static_cast<int64_t>(std::llround(offset));
  first_ = false;
  prev_time_ = time_ns;
  ++index_;
  return last_offset_;
}

void Timeline::Reset() {
  first_ = true;
  prev_time_ = 0;
  virtual_ns_ = 0;
  index_ = 0;
  last_offset_ = 0;
}

int LatencyHistogram::BucketOf(uint64_t v) {
  // Values below 2^kSubBits get their own bucket; above, 2^kSubBits buckets per octave.
  if (v < (1u << kSubBits)) return static_cast<int>(v);
  const int msb = 63 - std::countl_zero(v);
  const int shift = msb - kSubBits;
  const int sub = static_cast<int>((v >> shift) & ((1u << kSubBits) - 1));
  return ((shift + 1) << kSubBits) + sub;
}

uint64_t LatencyHistogram::UpperEdge(int bucket) {
  if (bucket < (1 << kSubBits)) return static_cast<uint64_t>(bucket);
  const int shift = (bucket >> kSubBits) - 1;
  const uint64_t sub = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
  const uint64_t base = (uint64_t{1} << kSubBits) | sub;
  return ((base + 1) << shift) - 1;
}

void LatencyHistogram::Add(int64_t ns) {
  const uint64_t v = ns < 0 ? 0 : static_cast<uint64_t>(ns);
  ++buckets_[static_cast<size_t>(BucketOf(v))];
  ++count_;
  max_ = std::max(max_, static_cast<int64_t>(v));
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(q, 0.0, 1.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(clamped * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<size_t>(b)];
    if (seen >= rank) return std::min(static_cast<int64_t>(UpperEdge(b)), max_);
  }
  return max_;
}

bool Pacer::WaitFor(int64_t offset_ns, int64_t* late_ns) {
  const int64_t deadline = start_ns_ + offset_ns;
  if (clock_->NowNs() < deadline && !clock_->SleepUntil(deadline)) return false;
  *late_ns = std::max<int64_t>(0, clock_->NowNs() - deadline);
  return true;
}

}  // namespace evtape::replay
