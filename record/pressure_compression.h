// PressureCompression: the recorder's chunk compression strategy (format::ChunkCompression).
// Capturing comes before compressing: a live recorder must never fall behind the stream it
// records for the sake of a better ratio.
//  * Keeping up (little queued): a chunk closed while no other waits is compressed on the
//    writer thread, at its priority.
//  * Otherwise chunks go to workers at the lowest CPU priority (SCHED_IDLE), which only take
//    CPU that nothing else wants. A chunk they have not finished when the writer needs it (a
//    flush, or too many waiting) is compressed by the writer itself after a short wait.
//  * Under pressure (the recorder's hand-off buffer filling up): compression is off. Chunks
//    are stored uncompressed as they close, and chunks still with the workers are taken back
//    and stored without waiting (those a worker finished are written compressed). Counted as
//    stored_behind; `evtape merge` recompresses such a recording later.
//
// Threads: used by the recorder's writer thread only (the workers are internal). One strategy
// serves every segment of a recording, so a segment switch never waits for a worker.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "format/chunk_compression.h"
#include "format/compression_pool.h"

namespace evtape::record {

class PressureCompression : public format::ChunkCompression {
 public:
  struct Options {
    int threads = 1;  // idle-priority workers; 0: the writer thread compresses everything
    int zstd_level = 1;
    size_t max_pending = 8;  // chunks waiting for the workers before the writer steps in
    // How long the writer waits for a worker's chunk before compressing it itself.
    int64_t flush_wait_ns = 5'000'000;
  };
  explicit PressureCompression(const Options& options);

  void SetKeepingUp(bool keeping_up) { keeping_up_ = keeping_up; }
  void SetUnderPressure(bool under_pressure) { under_pressure_ = under_pressure; }
  // Test seam: pauses the workers (as if the CPU were busy elsewhere).
  void PauseForTesting(bool paused);

  Status Submit(format::ChunkEncoder* encoder, uint64_t frames_before,
                const format::ChunkWriteFn& write) override;
  Status Flush(const format::ChunkWriteFn& write) override;
  Status Poll(const format::ChunkWriteFn& write) override;
  uint64_t pending_bytes() const override { return pending_bytes_; }
  void Discard() override;

 private:
  enum class Missing { kCompress, kStore };  // what to do with a chunk no worker finished
  Status WriteJob(format::CompressionPool::JobPtr job, Missing missing,
                  const format::ChunkWriteFn& write);
  Status TakeBackAll(const format::ChunkWriteFn& write);
  format::CompressionPool::Clock::time_point Deadline() const;
  size_t pending() const { return pool_ ? pool_->pending() : 0; }

  Options options_;
  std::unique_ptr<format::CompressionPool> pool_;  // null without workers
  format::ChunkCompressor compressor_;             // the writer thread's
  format::ClosedChunk closed_;                     // reused for inline work
  std::string body_;                               // reused
  uint64_t pending_bytes_ = 0;
  bool keeping_up_ = true;
  bool under_pressure_ = false;
};

}  // namespace evtape::record
