// SegmentWriter: writes one segment file.
//
// Life cycle: Create() writes the file header and the metadata record to "<path>.open";
// Add()/AddGap() buffer frames into chunks; Flush() hands the open chunk to the OS (what a
// `kill -9` can no longer lose); Sync() also makes it durable; Seal() writes the footer index,
// syncs, renames "<path>.open" to <path> and syncs the directory. Destroying an unsealed writer
// leaves the .open file as it is: readable, with at most a torn tail (ccache's AtomicFile rule:
// never finalise implicitly).
//
// Errors are sticky: after the first failure every call returns that same Status, and no
// fsync is ever retried on the file. Byte-deterministic: the same metadata, options and calls
// produce the same bytes, unless Backlog::kStore lets timing decide which chunks are stored
// uncompressed. Not thread-safe: one thread owns a writer (compression workers, if any, are
// internal).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "format/chunk.h"
#include "format/chunk_pipeline.h"
#include "format/file.h"
#include "format/types.h"

namespace evtape::format {

struct WriterOptions {
  // zstd level; 1 is fast and still compresses CloudEvent JSON about 5-10x. Negative levels are
  // faster still; up to 19 for archival.
  int zstd_level = 1;
  // A chunk is closed once its uncompressed content reaches this size.
  size_t chunk_bytes = 1u << 20;
  // Distinct subjects counted in the footer; more are summed as truncated.
  size_t max_tracked_subjects = 10000;

  // Compression workers (threads). 0: chunks are compressed on the calling thread.
  int compression_threads = 0;
  // With workers: how many closed chunks may wait for compression (memory: about twice
  // chunk_bytes each) before the writer deals with the oldest, as `backlog` says.
  size_t max_pending_chunks = 8;
  enum class Backlog {
    kWait,      // wait for the workers: byte-deterministic (offline verbs)
    kCompress,  // wait at most flush_wait_ns, then compress it on the calling thread
    // A live recorder about to fall behind its stream, with no CPU to spare: compression is
    // off. Chunks are written uncompressed as they close, and chunks still with the workers
    // are taken back and stored without waiting (those a worker finished are written
    // compressed). Counted in WriterStats::chunks_stored_behind. Work a worker started on a
    // chunk taken back is wasted, which is why the chunk is not even offered to them.
    kStore,
  };
  Backlog backlog = Backlog::kWait;
  int64_t flush_wait_ns = 20'000'000;
  // Workers shared by successive writers (e.g. a recorder's segments), so that a new segment
  // never waits for a worker of the previous one to finish. Not owned; must outlive the
  // writer and be used by one writer at a time. When set, compression_threads and
  // background_priority are ignored (the pool has its own, and its own zstd level).
  CompressionPool* shared_pool = nullptr;
  // With workers: run them at the lowest CPU priority (nice 19), so that compression only
  // takes CPU that nothing else wants.
  bool background_priority = false;
  // Write the segment around the page cache (WritableFileOptions::direct_io): for the live
  // recorder, whose buffered writes cost more CPU than anything else it does per byte.
  bool direct_io = false;
};

struct WriterStats {
  uint64_t frames = 0;
  uint64_t raw_bytes = 0;    // FrameView::RawSize summed
  uint64_t file_bytes = 0;   // bytes handed to the file so far
  uint64_t chunks = 0;
  uint64_t chunks_stored = 0;         // written uncompressed (incompressible or behind)
  uint64_t chunks_stored_behind = 0;  // ... because compression was off or behind (kStore)
  uint64_t gaps = 0;
  int64_t first_time_ns = 0, last_time_ns = 0;
  uint64_t last_seq = 0;
};

class SegmentWriter {
 public:
  // `path` is the final name (e.g. dir/000001.seg); the file is written as path + ".open",
  // which must not exist yet. `fs` must outlive the writer.
  static Result<std::unique_ptr<SegmentWriter>> Create(FileSystem* fs, std::string path,
                                                       const Metadata& metadata,
                                                       const WriterOptions& options);
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // Adds a frame. seq must be greater than the previous frame's and at least
  // metadata.first_seq; payload at most kMaxPayloadBytes (InvalidArgument otherwise, which is
  // not sticky: the writer stays usable).
  Status Add(const FrameView& frame);
  // Closes the open chunk and writes a gap record after it.
  Status AddGap(const Gap& gap);
  // Closes the open chunk, if any, and writes every chunk closed so far (waiting for the
  // compression workers as the options say).
  Status Flush();
  // Writes the chunks the workers have finished, without waiting. For idle moments; a no-op
  // without workers.
  Status Poll();
  // Flush, then fdatasync.
  Status Sync();
  // Flush, footer (with `extra` statistics), trailer, sync, close, rename, sync directory.
  Status Seal(const nlohmann::json& extra = nlohmann::json::object());

  // A hint from a caller that knows it has time to spare (e.g. a recorder whose queue is
  // nearly empty): while set, a chunk closed when no other chunk waits for the workers is
  // compressed on the calling thread, at the caller's priority. Off by default.
  void set_compress_inline(bool on) { compress_inline_ = on; }
  // Changes WriterOptions::backlog from now on (e.g. kStore while the caller's own queue is
  // filling up, kCompress once it has drained).
  void set_backlog(WriterOptions::Backlog backlog) { options_.backlog = backlog; }

  // Test seam: pauses the compression workers (no-op without them).
  void PauseCompressionForTesting(bool paused) {
    if (pool_) pool_->PauseForTesting(paused);
  }

  const WriterStats& stats() const { return stats_; }
  // Content added but not written yet (the open chunk and chunks waiting for compression):
  // at most what the file grows by when they are written, plus chunk headers.
  uint64_t unwritten_bytes() const {
    return encoder_.raw_size() + pool_pending_bytes_;
  }
  const std::string& path() const { return path_; }
  const std::string& open_path() const { return open_path_; }
  const Status& status() const { return status_; }
  bool sealed() const { return sealed_; }

 private:
  SegmentWriter(FileSystem* fs, std::string path, std::unique_ptr<WritableFile> file,
                const Metadata& metadata, const WriterOptions& options);
  Status Write(const std::string& bytes);
  Status Fail(Status s);
  // Closes the open chunk and compresses and writes it on this thread.
  Status CompressAndWrite();
  // Closes the open chunk: compresses and writes it, or submits it to the workers.
  Status CloseChunk();
  // Writes one chunk record; `body` is compressed or stored (then with its known CRC).
  Status WriteChunk(const ClosedChunk& chunk, uint64_t frames_before, std::string_view body,
                    std::optional<uint32_t> body_crc = std::nullopt);
  Status WriteStored(ClosedChunk* chunk, uint64_t frames_before);
  // Writes a job taken back from the pool: compressed if a worker managed to, else as
  // `backlog` says (compressed here, or stored).
  Status WriteJob(CompressionPool::JobPtr job, WriterOptions::Backlog backlog);
  // When the writer may take back a chunk a worker has not finished.
  CompressionPool::Clock::time_point Deadline(int64_t wait_ns) const;
  Status WriteFinishedJobs();
  // kStore: writes every chunk still with the workers, without waiting for them.
  Status TakeBackPending();
  // kStore: closes the open chunk and writes it uncompressed, after those in flight.
  Status StoreOpenChunk();
  void CountSubject(std::string_view subject, size_t raw);

  FileSystem* fs_;
  std::string path_, open_path_;
  std::unique_ptr<WritableFile> file_;
  WriterOptions options_;
  uint64_t min_seq_;
  ChunkEncoder encoder_;
  ChunkCompressor compressor_;              // the calling thread's
  std::unique_ptr<CompressionPool> own_pool_;  // when the writer starts its own workers
  CompressionPool* pool_ = nullptr;            // own_pool_, options.shared_pool or null
  uint64_t pool_pending_bytes_ = 0;            // content of the chunks submitted, not written
  ClosedChunk closed_;                      // reused when compressing inline
  Status status_;
  bool sealed_ = false;
  bool compress_inline_ = false;
  WriterStats stats_;
  Footer footer_;
  std::map<std::string, SubjectStats, std::less<>> subjects_;
  // The last subject counted: consecutive frames mostly share it (cheaper than a lookup).
  SubjectStats* last_subject_stats_ = nullptr;
  std::string last_subject_;
  std::string record_, body_;  // reused buffers
  char chunk_header_[kRecordHeaderSize];
};

}  // namespace evtape::format
