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
// produce the same bytes, unless the compression strategy lets timing decide (a live recorder
// storing chunks under load). Not thread-safe: one thread owns a writer.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "format/chunk.h"
#include "format/chunk_compression.h"
#include "format/file.h"
#include "format/types.h"

namespace evtape::format {

struct WriterOptions {
  // zstd level of the writer's own InlineCompression (when `compression` is null); 1 is fast
  // and still compresses CloudEvent JSON about 5-10x. Negative levels are faster still; up to
  // 19 for archival.
  int zstd_level = 1;
  // A chunk is closed once its uncompressed content reaches this size.
  size_t chunk_bytes = 1u << 20;
  // Lay payloads out grouped by subject in each chunk (ChunkEncoder): a few percent smaller
  // after zstd for a hash lookup per frame. For writers with time to spare (offline verbs).
  bool group_payloads = false;
  // Distinct subjects counted in the footer; more are summed as truncated.
  size_t max_tracked_subjects = 10000;
  // How closed chunks are compressed (format/chunk_compression.h). Not owned; must outlive the
  // writer; may be shared by successive writers of one thread. Null: compress inline.
  ChunkCompression* compression = nullptr;
  // What the file is called until Seal() renames it to its final path: path + ".open" (a live
  // segment), or kCompactingSuffix for a compacted copy that replaces a sealed segment.
  const char* temp_suffix = kOpenSuffix;
  // Write the segment around the page cache (WritableFileOptions::direct_io): for the live
  // recorder, whose buffered writes cost more CPU than anything else it does per byte.
  bool direct_io = false;
};

struct WriterStats {
  uint64_t frames = 0;
  uint64_t frames_written = 0;  // in chunks handed to the file (the rest is buffered or in flight)
  uint64_t raw_bytes = 0;    // FrameView::RawSize summed
  uint64_t file_bytes = 0;   // bytes handed to the file so far
  uint64_t chunks = 0;
  uint64_t chunks_stored = 0;         // written uncompressed (incompressible or behind)
  uint64_t chunks_stored_behind = 0;  // ... because compression was off or behind
  uint64_t gaps = 0;
  int64_t first_time_ns = 0, last_time_ns = 0;
  uint64_t last_seq = 0;
};

class SegmentWriter {
 public:
  // `path` is the final name (e.g. dir/000001.seg); the file is written as path +
  // options.temp_suffix (".open"), which must not exist yet. `fs` must outlive the writer.
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
  // Closes the open chunk, if any, and writes every chunk closed so far (as the compression
  // strategy decides: compressed, or stored).
  Status Flush();
  // Writes the chunks the compression strategy has ready, without waiting. For idle moments.
  Status Poll();
  // Flush, then fdatasync.
  Status Sync();
  // Flush, footer (with `extra` statistics), trailer, sync, close, rename, sync directory.
  Status Seal(const nlohmann::json& extra = nlohmann::json::object());

  const WriterStats& stats() const { return stats_; }
  // Content added but not written yet (the open chunk and chunks waiting for compression):
  // at most what the file grows by when they are written, plus chunk headers.
  uint64_t unwritten_bytes() const { return encoder_.raw_size() + compression_->pending_bytes(); }
  const std::string& path() const { return path_; }
  const std::string& open_path() const { return open_path_; }
  const Status& status() const { return status_; }
  bool sealed() const { return sealed_; }

 private:
  SegmentWriter(FileSystem* fs, std::string path, std::unique_ptr<WritableFile> file,
                const Metadata& metadata, const WriterOptions& options);
  Status Write(const std::string& bytes);
  Status Fail(Status s);
  // Closes the open chunk and hands it to the compression strategy.
  Status CloseChunk();
  // Writes one chunk record (the strategy's write callback).
  Status WriteChunk(const ReadyChunk& chunk);
  void CountSubject(std::string_view subject, size_t raw);

  FileSystem* fs_;
  std::string path_, open_path_;
  std::unique_ptr<WritableFile> file_;
  WriterOptions options_;
  uint64_t min_seq_;
  ChunkEncoder encoder_;
  std::unique_ptr<ChunkCompression> own_compression_;  // when options.compression is null
  ChunkCompression* compression_;                      // never null
  ChunkWriteFn write_chunk_;                           // binds WriteChunk
  Status status_;
  bool sealed_ = false;
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
