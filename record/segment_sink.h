// SegmentSink: the writer thread's view of a recording directory. Owns the open
// format::SegmentWriter, numbers frames (recording-wide seq), rotates segments by size and age,
// applies the flush/fsync policy and collects the footer statistics.
//
// Not thread-safe: one thread (the recorder's writer thread) owns a sink. Errors are sticky
// (they come from the SegmentWriter): after a failure every call returns it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "format/file.h"
#include "format/segment_stats.h"
#include "format/segment_writer.h"
#include "format/types.h"

namespace evtape::record {

enum class FsyncPolicy {
  kNever,     // never fdatasync explicitly (sealing a segment still syncs it)
  kSegment,   // fdatasync when a segment is sealed (default)
  kInterval,  // also fdatasync at every flush interval
};

struct SinkOptions {
  std::string dir;
  format::Metadata base;  // recording_id, tool, source, subscriptions, host, extra
  uint32_t first_index = 1;
  uint64_t first_seq = 1;
  uint64_t max_segment_bytes = 256ull << 20;          // stored bytes
  int64_t max_segment_duration_ns = 3600'000'000'000;  // by receive time (monotonic)
  FsyncPolicy fsync = FsyncPolicy::kSegment;
  int zstd_level = 1;
  // Compression workers at the lowest CPU priority. 0: compress on the writer thread. Under
  // pressure (SetUnderPressure) chunks are stored uncompressed either way.
  int compression_threads = 1;
  int64_t flush_interval_ns = 200'000'000;  // bounds how long a flush waits for the workers
  bool direct_io = true;  // write segments around the page cache (format::WriterOptions)
  format::SegmentStatsFactory segment_stats;  // footer statistics per segment; may be empty
};

// Totals over all segments this sink wrote; readable from other threads.
struct SinkCounters {
  std::atomic<uint64_t> frames{0}, raw_bytes{0}, stored_bytes{0}, segments{0}, gaps{0};
  std::atomic<uint64_t> lost_in_gaps{0};  // sum of the known gap counts
  // Chunks written (sealed segments plus the open one) and those stored uncompressed
  // because compression was behind.
  std::atomic<uint64_t> chunks{0}, chunks_stored_behind{0};
};

class SegmentSink {
 public:
  SegmentSink(FileSystem* fs, SinkOptions options, SinkCounters* counters);
  ~SegmentSink();

  // Opens the first segment (so that the recording is visible while it runs).
  Status Open();
  // Adds a frame (its seq is assigned here); rotates first when the segment is old enough,
  // after when it is big enough.
  Status AddFrame(format::FrameView frame);
  // Adds a gap after the last frame (after_seq is set here).
  Status AddGap(format::Gap gap);
  // The flush-interval tick: hands the open chunk to the OS (and syncs with kInterval).
  Status Tick();
  // Writes chunks the compression workers have finished. Call when the queue is empty.
  Status Poll();
  // Whether the writer thread is keeping up (little queued): then it compresses chunks itself
  // while the workers are idle, instead of leaving them to idle-priority workers.
  void SetKeepingUp(bool keeping_up);
  // Whether the recorder is in danger of dropping (its queue filling up): then compression
  // is off and chunks are stored uncompressed as they close (Backlog::kStore); else chunks
  // the workers have not compressed in time are compressed by the writer itself.
  void SetUnderPressure(bool under_pressure);
  // Seals the open segment. The sink is finished afterwards.
  Status Close();

  uint64_t last_seq() const { return next_seq_ - 1; }
  const std::string& current_path() const;

 private:
  Status OpenSegment(int64_t mono_ns);
  Status Seal();
  void UpdateCounters();

  FileSystem* fs_;
  SinkOptions options_;
  SinkCounters* counters_;
  std::unique_ptr<format::CompressionPool> pool_;  // shared by all segments; outlives writer_
  format::WriterOptions writer_options_;
  std::unique_ptr<format::SegmentWriter> writer_;
  uint32_t next_index_;
  uint64_t next_seq_;
  int64_t segment_start_mono_ = 0;
  uint64_t sealed_stored_bytes_ = 0;
  uint64_t sealed_chunks_ = 0, sealed_chunks_behind_ = 0;
  bool keeping_up_ = true;
  bool under_pressure_ = false;
  Status status_;
  std::unique_ptr<format::SegmentStats> segment_stats_;  // null without a stats factory
};

}  // namespace evtape::record
