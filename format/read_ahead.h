// ReadAheadReader: a RecordingReader whose chunks are read, decompressed, checksummed and
// parsed on a background thread, up to `depth` chunks ahead of the caller, so a caller that
// does its own work per frame (replay publishing) does not also pay for decoding.
//
// Contract: over the same input and options it yields exactly what RecordingReader::Next
// does: the same entries in the same order, the same issues in the same order and at the
// same points of the stream (each issue reaches the reporter just before the entry, end or
// error that followed it), and the same final Status (in kStrict mode the Corruption comes
// after every entry before the damage). No frame is copied: entries view the decoded chunk
// buffers, which are recycled only when the caller has moved past them.
//
// Differences from RecordingReader: an error is final (the producer stops, and every later
// Next() returns the same error again); stats() moves by whole chunks (a snapshot taken after
// producing the chunk the last entry came from).
//
// Threads: one caller thread uses the reader; the internal thread only produces. The
// options.reporter is called only on the caller's thread, from inside Next(). `fs` must be
// thread-safe (FileSystem's contract) and outlive the reader. The destructor stops the
// producer and joins it; it returns after at most the chunk being decoded at the time.
//
// Memory: at most depth + 1 chunks are held at once (the one the caller reads and `depth`
// ready ones), each as its stored body or decoded content plus its entries, and the reader's
// own read and decode buffers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "format/recording.h"

namespace evtape::format {

class ReadAheadReader : public FrameSource {
 public:
  // Lists the segments and starts the producer. Errors, returned here exactly as by
  // RecordingReader::Open: NotFound (missing path), InvalidArgument (a directory without
  // segments, or depth 0), and IOError if the thread cannot be started. Everything else
  // (e.g. a file that is not a segment) comes from Next(), as with RecordingReader.
  static Result<std::unique_ptr<ReadAheadReader>> Open(FileSystem* fs,
                                                       const std::vector<std::string>& inputs,
                                                       const ReaderOptions& options,
                                                       size_t depth = 4);
  ~ReadAheadReader();
  ReadAheadReader(const ReadAheadReader&) = delete;
  ReadAheadReader& operator=(const ReadAheadReader&) = delete;

  // The next frame or gap: true, or false at the end. Views stay valid until the next call.
  // Errors: those of RecordingReader::Next.
  Result<bool> Next(Entry* entry) override;
  // RecordingReader::name().
  const std::string& name() const override { return name_; }
  // RecordingReader::stats() as of the chunk (or gap) the last entry came from.
  ReadStats stats() const override { return stats_; }

 private:
  struct Slot;
  class Collector;
  ReadAheadReader(std::unique_ptr<RecordingReader> reader, std::unique_ptr<Collector> collector,
                  Reporter* user, size_t depth);
  void Produce();
  bool FillSlot(Slot* slot);  // false when the stream ended (end or error)
  void TakeNextSlot();

  // Producer side (its thread only, after Open).
  std::unique_ptr<RecordingReader> reader_;
  std::unique_ptr<Collector> collector_;

  // Shared: slot k of the stream lives in ring_[k % ring_.size()]. The producer fills slot
  // `produced_` while produced_ - consumed_ < ring_.size(); the caller reads slot consumed_
  // and releases it (consumed_++) only when it asks for the entry after its last one.
  std::vector<Slot> ring_;
  std::mutex mu_;
  std::condition_variable filled_cv_, freed_cv_;
  size_t produced_ = 0, consumed_ = 0;  // guarded by mu_
  bool stop_ = false;                   // guarded by mu_

  // Caller side.
  const std::string name_;
  Reporter* user_reporter_;
  Slot* current_ = nullptr;
  size_t next_entry_ = 0;
  bool finished_ = false;
  Status error_;
  ReadStats stats_;

  std::thread thread_;  // last: started after everything above exists
};

}  // namespace evtape::format
