// RecordingWriter: writes a recording directory, segment after segment. The one writer of
// recordings: the recorder, import, merge, slice, recover, redact, synth and the demo all write
// through it, so segment naming, rotation, sequence numbers, metadata, recording ids and
// footer statistics are the same whoever writes.
//
// Life cycle: Create() checks the options and touches nothing on disk. The directory and the
// first segment appear on Open(), on the first frame or gap, or at Close() (which leaves one
// empty, sealed segment when nothing was written), so that a verb failing early leaves nothing
// behind; Abort() removes whatever this writer created. Segments rotate by size (stored bytes,
// counting what is not written yet) and, when asked, by the frames' monotonic time. Every
// segment is sealed by the rotation or by Close(); a writer destroyed without Close() leaves
// its open segment as a crash would (readable, unsealed).
//
// Errors are sticky, as SegmentWriter's: after a failure every call returns it. A frame refused
// alone (too large, seq not increasing) is InvalidArgument and is not sticky. Not thread-safe:
// one thread owns a writer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "format/file.h"
#include "format/segment_stats.h"
#include "format/segment_writer.h"
#include "format/types.h"

namespace evtape::format {

struct RecordingWriterOptions {
  std::string dir;
  // recording_id (empty: a new one), tool, source, subscriptions, host, extra, created_ns.
  // segment_index and first_seq are set per segment.
  Metadata base;
  uint32_t first_index = 1;  // of the first segment written (a recorder resuming: the next one)
  uint64_t first_seq = 1;    // the lowest seq the first segment may hold
  // true: frames are numbered first_seq, first_seq + 1, ... (their own seq is ignored) and
  // gaps get after_seq; false: frames keep their seqs (which must increase) and gaps theirs.
  bool assign_seqs = true;
  uint64_t max_segment_bytes = 256ull << 20;  // stored bytes
  int64_t max_segment_duration_ns = 0;        // by the frames' monotonic time; 0: no limit
  WriterOptions writer;                       // level, chunk size (see below), direct I/O
  // How chunks are compressed, shared by all segments (writer.compression is set from it).
  // Null: MakeDeterministicCompression(writer.zstd_level).
  std::shared_ptr<ChunkCompression> compression;
  SegmentStatsFactory stats;                  // footer statistics per segment; may be empty
  // The created_ns of each segment; empty: base.created_ns for all (deterministic output).
  std::function<int64_t()> created_clock;
  // Called with a segment's final path once it is sealed; may be empty.
  std::function<void(const std::string& path)> on_sealed;
};

struct RecordingWriterStats {
  uint64_t frames = 0, raw_bytes = 0, gaps = 0;
  // Frames in chunks handed to the files. Equals `frames` after a successful Flush or Close;
  // after a write failure, frames - frames_written never reached the file.
  uint64_t frames_written = 0;
  uint64_t lost_in_gaps = 0;  // sum of the known gap counts
  uint64_t segments = 0;      // created so far
  uint64_t file_bytes = 0;    // handed to the files (sealed segments and the open one)
  uint64_t chunks = 0, chunks_stored_behind = 0;
  uint64_t last_seq = 0;      // of the last frame written (0: none)
};

class RecordingWriter {
 public:
  // InvalidArgument for an empty dir or a zero segment size. `fs` must outlive the writer.
  static Result<std::unique_ptr<RecordingWriter>> Create(FileSystem* fs,
                                                         RecordingWriterOptions options);
  ~RecordingWriter();
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;

  // Creates the directory and the first segment now (a recorder's recording is visible while
  // it runs). A no-op when a segment is open.
  Status Open();
  Status Add(FrameView frame);
  Status AddGap(Gap gap);
  // Hands the open chunk to the OS / also fdatasyncs it (SegmentWriter::Flush / Sync).
  Status Flush();
  Status Sync();
  // Writes chunks the compression strategy has ready (SegmentWriter::Poll).
  Status Poll();
  // Seals the open segment (creating one empty segment when nothing was written). The writer
  // is finished afterwards.
  Status Close();
  // Removes every file this writer created, and the directory if it created it.
  void Abort();

  const RecordingWriterStats& stats() const { return stats_; }
  const std::string& dir() const { return options_.dir; }
  const std::string& recording_id() const { return options_.base.recording_id; }
  // The open segment's final path ("" when none is open).
  std::string current_path() const;
  // What rotation sized chunks at: max_segment_bytes / 8 within [16 KiB, chunk_bytes], so
  // that a segment never overshoots its size by more than one small chunk.
  size_t chunk_bytes() const { return options_.writer.chunk_bytes; }

 private:
  RecordingWriter(FileSystem* fs, RecordingWriterOptions options);
  Status OpenSegment();
  Status SealSegment();
  Status Sticky(Status s);
  void Collect();  // the open segment's figures into stats_

  FileSystem* fs_;
  RecordingWriterOptions options_;
  std::unique_ptr<SegmentWriter> writer_;
  std::unique_ptr<SegmentStats> segment_stats_;
  uint32_t next_index_;
  uint64_t next_seq_;
  int64_t segment_start_mono_ = 0;  // of the open segment's first frame
  bool created_dir_ = false, closed_ = false;
  std::vector<std::string> created_files_;
  RecordingWriterStats stats_, sealed_;  // sealed_: totals of the sealed segments
  Status status_;
};

// 32 lowercase hex digits from the system's random source.
std::string NewRecordingId();

}  // namespace evtape::format
