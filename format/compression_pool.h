// CompressionPool: compresses a segment writer's closed chunks on worker threads while the
// writer keeps accepting frames. The writer submits chunks in order and takes them back in
// the same order, compressed or not: it decides how long to wait (a live recorder never waits
// long; it stores a chunk uncompressed rather than fall behind the stream it records).
//
// Threads: every public method is called from the one thread that owns the writer; the
// workers are internal. A job taken back while a worker still compresses it stays alive until
// that worker lets go (the worker then drops its result), so the writer may write the job's
// stored body meanwhile: StoredBody() touches only the bytes the worker does not read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "format/chunk.h"

namespace evtape::format {

class CompressionPool {
 public:
  struct Job {
    ClosedChunk chunk;
    uint64_t frames_before = 0;
    std::string body;  // the zstd chunk body, when `compressed`
    bool compressed = false;
    bool tried = false;  // a worker finished it (compressed or found it incompressible)

   private:
    friend class CompressionPool;
    enum class State { kQueued, kRunning, kDone, kTaken } state = State::kQueued;
  };
  using JobPtr = std::shared_ptr<Job>;
  using Clock = std::chrono::steady_clock;

  // Starts `threads` (>= 1) workers at `zstd_level`; with background_priority they run at
  // nice 19 (Linux: per thread), so compression uses only CPU nothing else wants.
  CompressionPool(int threads, int zstd_level, bool background_priority);
  // Stops and joins the workers; jobs not taken back are discarded.
  ~CompressionPool();
  CompressionPool(const CompressionPool&) = delete;
  CompressionPool& operator=(const CompressionPool&) = delete;

  // An empty job to fill, recycled when one is free (its buffers keep their capacity).
  JobPtr NewJob();
  // Queues a filled job behind the ones submitted before it.
  void Submit(JobPtr job);
  // Jobs submitted and not taken back yet.
  size_t pending() const;
  // The oldest pending job if a worker has finished it, else null.
  JobPtr TakeFrontIfDone();
  // The oldest pending job (there must be one), waiting until a worker finished it or until
  // `deadline`, whichever comes first. After the deadline it comes back with tried == false:
  // the caller stores it uncompressed. Use Clock::time_point::max() to always wait.
  JobPtr TakeFront(Clock::time_point deadline);
  // Takes back every pending job without writing it (a writer that ends unflushed).
  void DiscardPending();
  // Returns a job taken back (and written) for reuse.
  void Recycle(JobPtr job);
  // Test seam: while paused, workers start no new job (as if the CPU were busy elsewhere).
  void PauseForTesting(bool paused);

 private:
  void WorkerLoop(int zstd_level, bool background_priority);

  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<JobPtr> order_;  // submitted, not taken back, oldest first
  std::deque<JobPtr> todo_;   // not started yet, oldest first
  std::vector<JobPtr> free_;
  bool stop_ = false;
  bool paused_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace evtape::format
