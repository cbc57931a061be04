// Recorder: captures every message on a set of NATS subjects into an evtape recording.
//
// Threads: nats.c delivers every subscription's messages on one delivery thread (so the
// arrival order across subjects is kept); that callback only stamps the message
// (CLOCK_REALTIME + CLOCK_MONOTONIC) and hands the natsMsg over to a bounded HandoffQueue.
// One writer thread owns the SegmentSink: header extraction, compression and I/O happen there.
// The thread calling Run() connects, subscribes, watches the stop conditions and shuts down.
//
// No silent loss: nats.c's pending limits are switched off, memory is bounded by our queue
// (queue_max_messages / queue_max_bytes) and every loss becomes a gap record:
// kOverflow (our queue), kSlowConsumer (nats.c drops, from GetDropped deltas), kDisconnect
// (exactly one per outage, from the last message before the loss to the confirmed
// resubscription), kRestart (the previous run left its last segment unsealed).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nats/connection.h"
#include "format/file.h"
#include "record/segment_sink.h"

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
  // of the CPU per byte here, and no gigabytes of dirty pages on the host. false: ordinary
  // buffered writes (e.g. to let a slow disk absorb bursts in the page cache).
  bool direct_io = true;
  int64_t drain_timeout_ms = 5000;  // for messages already received when stopping
  std::string tool = "evtape";      // metadata "tool", e.g. "evtape 0.1.0"
  // Statistics stored in each segment footer (e.g. CloudEvent types for `info`); may be empty.
  format::SegmentStatsFactory segment_stats;
  // Progress messages for humans ("recording ... to DIR", outages); may be empty. Called from
  // the Run() thread and nats.c's callback threads: must be thread-safe.
  std::function<void(const std::string&)> log;
  nats::ConnectionOptions connection;
};

struct LiveStats {
  uint64_t messages = 0, raw_bytes = 0, stored_bytes = 0, segments = 0, gaps = 0;
  uint64_t queued = 0;  // received, not yet written
  bool connected = true;
};

struct RecorderSummary {
  Status status;  // a failure while recording (e.g. disk full); the data so far is kept
  std::string dir;
  uint64_t messages = 0, raw_bytes = 0, stored_bytes = 0, segments = 0, gaps = 0;
  uint64_t chunks = 0, chunks_stored_behind = 0;  // the latter: compression was behind
  uint64_t dropped_by_queue = 0;    // exact
  uint64_t dropped_by_client = 0;   // nats.c slow consumer, exact
  uint64_t outages = 0;             // disconnect windows (each one gap)
  bool restart_gap = false;
  uint64_t peak_queue_messages = 0, peak_queue_bytes = 0;
  int64_t elapsed_ns = 0;
  bool exact_headers = true;  // false: nats.c's raw layout was not recognised (fallback)
  uint64_t duplicates_skipped = 0;  // delivered again by an overlapping subscription
};

class Recorder : private nats::ConnectionListener {
 public:
  explicit Recorder(RecorderOptions options, FileSystem* fs = FileSystem::Default());
  ~Recorder() override;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Checks the options and the output directory without touching anything: InvalidArgument
  // naming the option. Run() calls it too.
  Status Validate() const;

  // Connects (nothing is created on disk if that fails), records until a stop condition,
  // seals and returns the summary. `on_tick` (may be empty) is called about once a second
  // from the calling thread. Errors before recording started are returned as a Status.
  Result<RecorderSummary> Run(const std::function<void(const LiveStats&)>& on_tick = {});

  // Asks Run() to stop: drain what was received, seal, return. Thread-safe; not
  // async-signal-safe (call it from a signal-waiting thread).
  void RequestStop();

  LiveStats live() const;

 private:
  struct SubContext {
    Recorder* recorder;
    size_t index;
  };
  static void OnMessage(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  void HandleMessage(size_t index, natsMsg* msg);
  void OnDisconnected() override;
  void OnReconnected() override;
  void WriterLoop(SegmentSink* sink);
  Status Subscribe();
  void WaitForStop(const std::function<void(const LiveStats&)>& on_tick);
  void PollDropped();
  void FinishReconnect();
  void Shutdown();
  void Log(const std::string& message) const;

  RecorderOptions options_;
  FileSystem* fs_;
  std::unique_ptr<class HandoffQueue> queue_;
  SinkCounters counters_;
  nats::ConnectionPtr conn_;
  std::vector<nats::SubscriptionPtr> subs_;
  std::vector<std::unique_ptr<SubContext>> sub_contexts_;
  std::vector<int64_t> dropped_seen_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;   // guarded by mu_
  bool reconnect_pending_ = false;  // guarded by mu_
  std::atomic<bool> closing_{false};
  std::atomic<bool> writer_done_{false};
  std::atomic<bool> count_reached_{false};
  // Outage tracking (guarded by mu_).
  bool in_outage_ = false;
  int64_t outage_start_ns_ = 0;
  std::atomic<bool> connected_{true};
  std::atomic<int64_t> last_receive_ns_{0};
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<uint64_t> arrived_{0};  // messages counted against options_.count
  std::atomic<bool> exact_headers_{true};
  uint64_t outages_ = 0, dropped_by_client_ = 0;
  Status writer_status_;  // set by the writer thread before writer_done_
};

}  // namespace evtape::record
