// Ring: the recorder's rolling window (`evtape record --ring 30m`, `--ring 2GiB`, or both).
// After each sealed segment it deletes the oldest sealed segments that the window no longer
// needs, and records what it deleted in the directory's ring state (format/ring_state.h), so
// that `info` shows the window the recording covers and no reader mistakes the deleted start
// for a loss. It never touches the open segment.
//
// The window is kept, not approximated from below: the oldest segment S0 is deleted only when
// the segments after it (excluding the open one) still cover the window: for a time window,
// now - first receive time of S1 >= window; for a size window, the file sizes of S1.. add up
// to at least the window. With both, either bound deletes (the last 30 minutes, but never more
// than 2 GiB). SegmentLimitsForRing sizes segments at a 25th of the window, so the ring
// holds between the window and 8% more (one segment before S1, plus the open one).
//
// Compaction and deletion do not race: a segment is taken out of the Compactor's queue before
// it is deleted, and one being compacted at that moment is kept until the next seal.
//
// Threads: the writer thread calls OnSealed (through RecordingWriter's on_sealed); state() may
// be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "format/file.h"
#include "format/ring_state.h"
#include "record/compactor.h"

namespace evtape::record {

struct RingOptions {
  int64_t window_ns = 0;      // keep at least this much time; 0: no time window
  uint64_t window_bytes = 0;  // keep at least this much on disk; 0: no size window
  bool enabled() const { return window_ns > 0 || window_bytes > 0; }
};

// Adds one `--ring` value: a duration ("30m", "24h", "5s") or a size ending in B ("2GiB",
// "500MB"). False for anything else, zero, or a second value of the same kind.
bool AddRingWindow(std::string_view text, RingOptions* ring);

// Segment limits that let the ring hold its window within ~10%: a 25th of each window,
// below the defaults (*max_bytes, *max_duration_ns on entry). An explicit limit (`explicit_*`)
// is kept unless it is larger than the ring: InvalidArgument naming the flag
// (--max-segment-size / --max-segment-duration).
Status SegmentLimitsForRing(const RingOptions& ring, bool explicit_bytes, bool explicit_duration,
                            uint64_t* max_bytes, int64_t* max_duration_ns);

class Ring {
 public:
  // Lists the segments already in `dir` (earlier runs) and the ring state they left. The
  // segment `open_path` (this run's open segment) is left out. `compactor` may be null;
  // `clock` gives the realtime now (unix ns).
  static Result<std::unique_ptr<Ring>> Open(FileSystem* fs, std::string dir, RingOptions options,
                                            Compactor* compactor, const std::string& open_path,
                                            std::function<int64_t()> clock);

  // A segment of this run was sealed: remember it and delete what the window no longer needs.
  // Errors: IOError deleting a segment or writing the state (the recording stays valid).
  Status OnSealed(const std::string& path);

  // What was deleted so far (all runs). Thread-safe.
  format::RingState state() const;
  // The first receive time of the oldest segment kept (0: none sealed yet). Thread-safe.
  int64_t kept_from_ns() const;
  // The last failure of OnSealed (Ok when none). Thread-safe.
  Status last_error() const;

 private:
  struct Segment {
    std::string path;
    uint32_t index = 0;
    bool sealed = false;  // false: a .seg.open an earlier run left (frames not counted)
    uint64_t frames = 0, last_seq = 0;
    int64_t first_ns = 0, last_ns = 0;
  };
  Ring(FileSystem* fs, std::string dir, RingOptions options, Compactor* compactor,
       std::function<int64_t()> clock);
  Segment Describe(const std::string& path) const;
  bool Expired(int64_t now) const;  // segments_[0] may go
  Status Trim();

  FileSystem* fs_;
  std::string dir_;
  RingOptions options_;
  Compactor* compactor_;
  std::function<int64_t()> clock_;
  std::vector<Segment> segments_;  // sealed (and leftover) segments, oldest first

  mutable std::mutex mu_;
  format::RingState state_;  // guarded by mu_
  int64_t kept_from_ns_ = 0;  // guarded by mu_
  Status last_error_;         // guarded by mu_
};

}  // namespace evtape::record
