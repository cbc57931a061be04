#include "format/recording_writer.h"

#include <algorithm>
#include <random>

#include "format/recording.h"

namespace evtape::format {

std::string NewRecordingId() {
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 8; ++j) id += kHex[(v >> (j * 4)) & 0xf];
  }
  return id;
}

Result<std::unique_ptr<RecordingWriter>> RecordingWriter::Create(FileSystem* fs,
                                                                 RecordingWriterOptions options) {
  if (options.dir.empty()) return Status::InvalidArgument("recording writer: empty directory");
  if (options.max_segment_bytes == 0) {
    return Status::InvalidArgument(options.dir + ": segment size must be > 0");
  }
  if (options.base.recording_id.empty()) options.base.recording_id = NewRecordingId();
  if (!options.compression) options.compression = MakeDeterministicCompression(options.writer.zstd_level);
  options.writer.compression = options.compression.get();
  // Small segments need small chunks, or a segment overshoots its size by a whole chunk.
  options.writer.chunk_bytes = static_cast<size_t>(std::clamp<uint64_t>(
      options.max_segment_bytes / 8, 16u << 10, std::max<size_t>(options.writer.chunk_bytes, 16u << 10)));
  return std::unique_ptr<RecordingWriter>(new RecordingWriter(fs, std::move(options)));
}

RecordingWriter::RecordingWriter(FileSystem* fs, RecordingWriterOptions options)
    : fs_(fs),
      options_(std::move(options)),
      next_index_(options_.first_index),
      next_seq_(options_.first_seq) {}

RecordingWriter::~RecordingWriter() = default;

std::string RecordingWriter::current_path() const { return writer_ ? writer_->path() : ""; }

Status RecordingWriter::Sticky(Status s) {
  if (status_.ok() && !s.ok()) status_ = s;
  return s;
}

void RecordingWriter::Collect() {
  const WriterStats* w = writer_ ? &writer_->stats() : nullptr;
  stats_.file_bytes = sealed_.file_bytes + (w ? w->file_bytes : 0);
  stats_.frames_written = sealed_.frames_written + (w ? w->frames_written : 0);
  stats_.chunks = sealed_.chunks + (w ? w->chunks : 0);
  stats_.chunks_stored_behind = sealed_.chunks_stored_behind + (w ? w->chunks_stored_behind : 0);
}

Status RecordingWriter::OpenSegment() {
  if (next_index_ == options_.first_index && stats_.segments == 0) {
    Result<DirState> state = InspectDir(fs_, options_.dir);
    created_dir_ = state.ok() && *state == DirState::kMissing;
    EVTAPE_RETURN_IF_ERROR(fs_->CreateDir(options_.dir));
  }
  Metadata md = options_.base;
  md.segment_index = next_index_;
  md.first_seq = next_seq_;
  if (options_.created_clock) md.created_ns = options_.created_clock();
  std::string path = SegmentPath(options_.dir, next_index_);
  EVTAPE_ASSIGN_OR_RETURN(writer_, SegmentWriter::Create(fs_, path, md, options_.writer));
  created_files_.push_back(writer_->open_path());
  created_files_.push_back(path);
  ++next_index_;
  ++stats_.segments;
  segment_stats_ = options_.stats ? options_.stats() : nullptr;
  return Status::Ok();
}

Status RecordingWriter::SealSegment() {
  Status s = writer_->Seal(segment_stats_ ? segment_stats_->ToJson() : nlohmann::json::object());
  if (s.ok() && options_.on_sealed) options_.on_sealed(writer_->path());
  const WriterStats& w = writer_->stats();
  sealed_.file_bytes += w.file_bytes;
  sealed_.frames_written += w.frames_written;
  sealed_.chunks += w.chunks;
  sealed_.chunks_stored_behind += w.chunks_stored_behind;
  writer_.reset();
  segment_stats_.reset();
  Collect();
  return s;
}

Status RecordingWriter::Open() {
  if (!status_.ok()) return status_;
  if (closed_) return Status::InvalidArgument(options_.dir + ": recording writer is closed");
  if (writer_) return Status::Ok();
  return Sticky(OpenSegment());
}

Status RecordingWriter::Add(FrameView frame) {
  if (!status_.ok()) return status_;
  if (closed_) return Status::InvalidArgument(options_.dir + ": recording writer is closed");
  // The elapsed time only when it is positive: then it fits a uint64 whatever the two times
  // (any int64, e.g. from an imported file).
  if (writer_ && writer_->stats().frames > 0 && options_.max_segment_duration_ns > 0 &&
      frame.mono_ns > segment_start_mono_ &&
      static_cast<uint64_t>(frame.mono_ns) - static_cast<uint64_t>(segment_start_mono_) >=
          static_cast<uint64_t>(options_.max_segment_duration_ns)) {
    EVTAPE_RETURN_IF_ERROR(Sticky(SealSegment()));
  }
  if (!writer_) EVTAPE_RETURN_IF_ERROR(Sticky(OpenSegment()));
  if (writer_->stats().frames == 0) segment_start_mono_ = frame.mono_ns;
  if (options_.assign_seqs) frame.seq = next_seq_;
  if (Status s = writer_->Add(frame); !s.ok()) {
    (void)Sticky(writer_->status());  // a sticky failure; a frame refused alone is not
    return s;
  }
  next_seq_ = frame.seq + 1;
  stats_.last_seq = frame.seq;
  stats_.frames++;
  stats_.raw_bytes += frame.RawSize();
  if (segment_stats_) segment_stats_->Add(frame);
  // Counting what is not written yet keeps the segment within its size (by at most one
  // frame), whatever compression does with it.
  if (writer_->stats().file_bytes + writer_->unwritten_bytes() >= options_.max_segment_bytes) {
    return Sticky(SealSegment());
  }
  return Status::Ok();
}

Status RecordingWriter::AddGap(Gap gap) {
  if (!status_.ok()) return status_;
  if (closed_) return Status::InvalidArgument(options_.dir + ": recording writer is closed");
  if (!writer_) EVTAPE_RETURN_IF_ERROR(Sticky(OpenSegment()));
  if (options_.assign_seqs) gap.after_seq = next_seq_ - 1;
  if (gap.detail.size() > kMaxGapDetail) gap.detail.resize(kMaxGapDetail);
  EVTAPE_RETURN_IF_ERROR(Sticky(writer_->AddGap(gap)));
  stats_.gaps++;
  if (gap.count) stats_.lost_in_gaps += *gap.count;
  Collect();
  return Status::Ok();
}

Status RecordingWriter::Flush() {
  if (!status_.ok() || !writer_) return status_;
  Status s = Sticky(writer_->Flush());
  Collect();
  return s;
}

Status RecordingWriter::Sync() {
  if (!status_.ok() || !writer_) return status_;
  Status s = Sticky(writer_->Sync());
  Collect();
  return s;
}

Status RecordingWriter::Poll() {
  if (!status_.ok() || !writer_) return status_;
  Status s = Sticky(writer_->Poll());
  Collect();
  return s;
}

Status RecordingWriter::Close() {
  if (!status_.ok() || closed_) return status_;
  if (!writer_ && stats_.segments == 0) EVTAPE_RETURN_IF_ERROR(Sticky(OpenSegment()));
  if (writer_) EVTAPE_RETURN_IF_ERROR(Sticky(SealSegment()));
  closed_ = true;
  return Status::Ok();
}

void RecordingWriter::Abort() {
  writer_.reset();
  for (const auto& f : created_files_) (void)fs_->Remove(f);
  if (created_dir_) (void)fs_->RemoveDir(options_.dir);
  created_files_.clear();
  closed_ = true;
}

}  // namespace evtape::format
