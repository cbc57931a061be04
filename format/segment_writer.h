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
// produce the same bytes. Not thread-safe: one thread owns a writer.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "format/chunk.h"
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
};

struct WriterStats {
  uint64_t frames = 0;
  uint64_t raw_bytes = 0;    // FrameView::RawSize summed
  uint64_t file_bytes = 0;   // bytes handed to the file so far
  uint64_t chunks = 0;
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
  // Compresses and writes the open chunk, if any.
  Status Flush();
  // Flush, then fdatasync.
  Status Sync();
  // Flush, footer (with `extra` statistics), trailer, sync, close, rename, sync directory.
  Status Seal(const nlohmann::json& extra = nlohmann::json::object());

  const WriterStats& stats() const { return stats_; }
  size_t pending_raw_bytes() const { return encoder_.raw_size(); }
  const std::string& path() const { return path_; }
  const std::string& open_path() const { return open_path_; }
  const Status& status() const { return status_; }
  bool sealed() const { return sealed_; }

 private:
  SegmentWriter(FileSystem* fs, std::string path, std::unique_ptr<WritableFile> file,
                const Metadata& metadata, const WriterOptions& options);
  Status Write(const std::string& bytes);
  Status Fail(Status s);
  void CountSubject(std::string_view subject, size_t raw);

  FileSystem* fs_;
  std::string path_, open_path_;
  std::unique_ptr<WritableFile> file_;
  WriterOptions options_;
  uint64_t min_seq_;
  ChunkEncoder encoder_;
  Status status_;
  bool sealed_ = false;
  WriterStats stats_;
  Footer footer_;
  std::map<std::string, SubjectStats, std::less<>> subjects_;
  std::string record_, body_;  // reused buffers
};

}  // namespace evtape::format
