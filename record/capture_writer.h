// CaptureWriter: the writer side of the recorder. Runs on its own thread: takes what the
// Subscriber queued, turns messages into frames, writes them through a format::RecordingWriter
// (rotation, seqs, metadata, footer statistics) and applies the recorder's policies:
//  * flush: data is handed to the OS at most flush_interval after it arrived (what a kill -9
//    may lose), and with FsyncPolicy::kInterval also fdatasynced; an idle writer sleeps until
//    a message arrives;
//  * capture before compression: PressureCompression stores chunks uncompressed while the
//    hand-off buffer fills up, and lets the writer compress inline while it keeps up.
//
// Threads: Open() on the thread that starts the recorder, then Run() on the writer thread;
// Contribute() from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "format/recording_writer.h"
#include "record/compactor.h"
#include "record/handoff_queue.h"
#include "record/pressure_compression.h"
#include "record/ring.h"
#include "record/stats.h"

namespace evtape::record {

enum class FsyncPolicy {
  kNever,     // never fdatasync explicitly (sealing a segment still syncs it)
  kSegment,   // fdatasync when a segment is sealed (default)
  kInterval,  // also fdatasync at every flush interval
};

struct CaptureWriterOptions {
  format::RecordingWriterOptions recording;  // its compression and on_sealed are set here
  PressureCompression::Options compression;
  // Compact sealed segments in the background (record/compactor.h); also those of earlier
  // runs found in the directory.
  bool compact = true;
  format::CompactOptions compact_options;
  // Delete the oldest sealed segments beyond this window (record/ring.h); off by default.
  RingOptions ring;
  int64_t flush_interval_ns = 200'000'000;
  FsyncPolicy fsync = FsyncPolicy::kSegment;
};

class CaptureWriter {
 public:
  // Creates the directory and the first segment (the recording is visible while it runs).
  static Result<std::unique_ptr<CaptureWriter>> Open(FileSystem* fs, CaptureWriterOptions options);
  ~CaptureWriter();

  // Writes everything the queue delivers until it is closed and empty, then seals. On a write
  // failure it stops writing but keeps draining (so that producers are never held), calls
  // on_failure once (the recorder then stops) and returns the failure; the data written before
  // it stays readable.
  Status Run(HandoffQueue* queue, const std::function<void(const Status&)>& on_failure);
  // A gap written before anything else (the restart gap); call before Run().
  Status WriteGap(const format::Gap& gap);
  const std::string& dir() const { return recording_->dir(); }
  std::string current_path() const { return recording_->current_path(); }

  // After Run(): compacts what is left if small (Compactor::Finish), and returns what
  // compaction did over the whole run.
  CompactorStats FinishCompaction(uint64_t max_raw_bytes);
  void CancelCompaction();
  // The ring's last failure to delete a segment or write its state (Ok when none).
  Status ring_error() const { return ring_ ? ring_->last_error() : Status::Ok(); }

  // messages, raw/stored bytes (on disk: after compaction), segments, gaps, chunks,
  // exact_headers (a snapshot taken after each batch).
  void Contribute(RecorderStats* stats) const;

 private:
  explicit CaptureWriter(CaptureWriterOptions options);
  // Writes one batch; the first failure stops writing (later items are only released).
  void WriteBatch(std::vector<QueueItem>* batch, HandoffQueue* queue, Status* failure);
  Status WriteMessage(const QueueItem& item);
  void UpdatePressure(size_t batch_size, double fill, int64_t now);
  void Publish(bool failed = false);  // failed: a write failed; the run is stopping

  CaptureWriterOptions options_;
  std::shared_ptr<PressureCompression> compression_;
  std::unique_ptr<Compactor> compactor_;  // null when not compacting; outlives recording_
  std::unique_ptr<Ring> ring_;            // null without a ring; after compactor_ (uses it)
  std::unique_ptr<format::RecordingWriter> recording_;
  std::string scratch_;
  bool exact_headers_ = true;
  bool pressure_ = false;
  int64_t pressure_until_ = 0;

  mutable std::mutex mu_;
  format::RecordingWriterStats published_;  // guarded by mu_
  bool published_failed_ = false;           // guarded by mu_
  uint64_t discarded_ = 0;  // released unwritten after a failure; guarded by mu_
  bool published_exact_headers_ = true;     // guarded by mu_
  uint64_t compacted_savings_ = 0;          // guarded by mu_: bytes compaction removed
};

}  // namespace evtape::record
