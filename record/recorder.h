// Recorder: captures every message on a set of NATS subjects into an evtape recording.
//
// Two sides joined by a bounded HandoffQueue: the Subscriber (nats.c's delivery thread stamps
// each message and queues it; connection events become gaps) and the CaptureWriter (its own
// thread: frames, compression policy, flushes, rotation through format::RecordingWriter). The
// thread calling Run() connects, subscribes, watches the stop conditions and shuts down.
//
// No silent loss: nats.c's pending limits are switched off, memory is bounded by our queue
// (queue_max_messages / queue_max_bytes) and every loss becomes a gap record: kOverflow (our
// queue), kSlowConsumer (nats.c drops), kDisconnect (one per outage), kRestart (the previous
// run left its last segment unsealed: the window from its last frame to the moment this run's
// subscriptions were confirmed live).
//
// Payload-agnostic: footer statistics come from the options' SegmentStatsFactory.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "format/file.h"
#include "format/segment_stats.h"
#include "nats/connection.h"
#include "record/capture_writer.h"
#include "record/stats.h"
#include "util/version.h"

namespace evtape::record {

struct RecorderOptions {
  std::vector<std::string> subjects{"wasmbus.evt.default.>"};  // NATS wildcards allowed
  std::string output_dir;  // required; created if missing
  int64_t duration_ns = 0;  // stop after this long; 0 = until stopped
  // Stop after this many messages arrived (recorded, or lost to our queue and recorded as a
  // gap, so an overloaded recorder still stops); later ones are not recorded. 0 = no limit.
  uint64_t count = 0;
  uint64_t max_segment_bytes = 256ull << 20;
  int64_t max_segment_duration_ns = 3600'000'000'000;
  int64_t flush_interval_ns = 200'000'000;  // the most a kill -9 can lose
  FsyncPolicy fsync = FsyncPolicy::kSegment;
  // Hand-off queue bound: messages received but not yet written. Beyond it messages are
  // dropped and recorded as a kOverflow gap.
  size_t queue_max_messages = 1'000'000;
  uint64_t queue_max_bytes = 512ull << 20;
  int zstd_level = 1;
  // Compression threads at the lowest CPU priority. -1: half the cores, 1..4. 0: compress on
  // the writer thread. Either way, once the hand-off queue passes 1/16 of its bound, chunks
  // are stored uncompressed (counted) until it has drained: capturing beats compressing.
  int compression_threads = -1;
  // Write segments around the page cache (O_DIRECT) where the file system allows it: a tenth
  // of the CPU per byte, and no gigabytes of dirty pages on the host. false: ordinary
  // buffered writes (e.g. to let a slow disk absorb bursts in the page cache).
  bool direct_io = true;
  int64_t drain_timeout_ms = 5000;  // for messages already received when stopping
  // Compact sealed segments (format/compact.h) in the background; when stopping, the last
  // segments are compacted if they hold at most compact_wait_bytes of content (seconds of
  // work), else left as they are.
  bool compact = true;
  uint64_t compact_wait_bytes = 32ull << 20;
  // Keep only a rolling window (record/ring.h): the oldest sealed segments beyond it are
  // deleted. Size the segments with SegmentLimitsForRing first.
  RingOptions ring;
  std::string tool = kToolName;     // metadata "tool", e.g. "evtape 0.1.0"
  // Statistics stored in each segment footer (e.g. CloudEvent types for `info`); may be empty.
  format::SegmentStatsFactory segment_stats;
  // Progress messages for humans ("recording ... to DIR", outages); may be empty. Called from
  // the Run() thread and nats.c's callback threads: must be thread-safe.
  std::function<void(const std::string&)> log;
  // Called once on the Run() thread when the subscriptions are confirmed live (from then on
  // nothing published is missed); may be empty.
  std::function<void()> on_ready;
  nats::ConnectionOptions connection;
};

struct RecorderSummary : RecorderStats {
  Status status;  // a failure while recording (e.g. disk full); the data so far is kept
  std::string dir;
};

class Recorder {
 public:
  explicit Recorder(RecorderOptions options, FileSystem* fs = FileSystem::Default());
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Checks the options without touching anything: InvalidArgument naming the option. Run()
  // calls it too.
  Status Validate() const;

  // Connects (nothing is created on disk if that fails), records until a stop condition,
  // seals and returns the summary. `on_tick` (may be empty) is called about once a second
  // from the calling thread. Errors before recording started are returned as a Status.
  Result<RecorderSummary> Run(const std::function<void(const RecorderStats&)>& on_tick = {});

  // Asks Run() to stop: drain what was received, seal, return. A second request also cancels
  // the compaction of the last segments. Thread-safe; not async-signal-safe (call it from a
  // signal-waiting thread).
  void RequestStop();

  // A snapshot of the figures so far. Thread-safe.
  RecorderStats live() const;

 private:
  Status Start(class HandoffQueue* queue);
  void WaitForStop(const std::function<void(const RecorderStats&)>& on_tick);
  void Wake();
  void Log(const std::string& message) const;

  RecorderOptions options_;
  FileSystem* fs_;
  std::unique_ptr<class HandoffQueue> queue_;
  std::unique_ptr<class Subscriber> subscriber_;
  std::unique_ptr<class DirLock> lock_;  // held from Start() until destruction
  std::unique_ptr<CaptureWriter> writer_;
  int64_t started_mono_ = 0;
  bool restart_gap_ = false;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;  // guarded by mu_
  bool wake_ = false;            // guarded by mu_
  bool writer_failed_ = false;   // guarded by mu_
  CompactorStats compaction_;    // guarded by mu_, once the writer finished
};

}  // namespace evtape::record
