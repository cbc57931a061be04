#include "format/segment_writer.h"

#include "format/crc32c.h"
#include "format/segment_format.h"

namespace evtape::format {

Result<std::unique_ptr<SegmentWriter>> SegmentWriter::Create(FileSystem* fs, std::string path,
                                                             const Metadata& metadata,
                                                             const WriterOptions& options) {
  std::string open_path = path + options.temp_suffix;
  std::string meta = EncodeMetadataBody(metadata);
  if (meta.size() > kMaxMetadataBytes) {
    return Status::InvalidArgument(path + ": metadata larger than 1 MiB");
  }
  WritableFileOptions file_options;
  file_options.direct_io = options.direct_io;
  EVTAPE_ASSIGN_OR_RETURN(auto file, fs->NewWritableFile(open_path, file_options));
  std::unique_ptr<SegmentWriter> w(
      new SegmentWriter(fs, std::move(path), std::move(file), metadata, options));
  std::string head = EncodeFileHeader();
  AppendRecord(&head, RecordType::kMetadata, meta);
  EVTAPE_RETURN_IF_ERROR(w->Write(head));
  return w;
}

SegmentWriter::SegmentWriter(FileSystem* fs, std::string path, std::unique_ptr<WritableFile> file,
                             const Metadata& metadata, const WriterOptions& options)
    : fs_(fs),
      path_(std::move(path)),
      open_path_(path_ + options.temp_suffix),
      file_(std::move(file)),
      options_(options),
      min_seq_(metadata.first_seq),
      encoder_(options.group_payloads),
      compression_(options.compression),
      write_chunk_([this](const ReadyChunk& c) { return WriteChunk(c); }) {
  if (compression_ == nullptr) {
    own_compression_ = std::make_unique<InlineCompression>(options_.zstd_level);
    compression_ = own_compression_.get();
  }
}

SegmentWriter::~SegmentWriter() {
  // Chunks never written (no Flush/Seal, or a failure) must not reach the next writer.
  compression_->Discard();
}

Status SegmentWriter::Fail(Status s) {
  if (status_.ok()) status_ = std::move(s);
  return status_;
}

Status SegmentWriter::Write(const std::string& bytes) {
  if (!status_.ok()) return status_;
  if (Status s = file_->Append(bytes); !s.ok()) return Fail(std::move(s));
  stats_.file_bytes += bytes.size();
  return Status::Ok();
}

Status SegmentWriter::Add(const FrameView& f) {
  if (!status_.ok()) return status_;
  if (sealed_) return Status::InvalidArgument(path_ + ": segment is sealed");
  if (f.seq < min_seq_ || (stats_.frames > 0 && f.seq <= stats_.last_seq)) {
    return Status::InvalidArgument(path_ + ": frame seq " + std::to_string(f.seq) +
                                   " does not increase");
  }
  if (f.payload.size() > kMaxPayloadBytes || f.subject.size() > kMaxFrameFieldBytes ||
      f.reply.size() > kMaxFrameFieldBytes || f.headers.size() > kMaxFrameFieldBytes) {
    return Status::InvalidArgument(path_ + ": frame " + std::to_string(f.seq) +
                                   " exceeds the format's size limits");
  }
  // Keep every chunk under the reader's cap: close the open chunk before a frame that would
  // push it over.
  if (!encoder_.empty() && encoder_.raw_size() + f.RawSize() + 64 > kMaxChunkRawBytes) {
    EVTAPE_RETURN_IF_ERROR(CloseChunk());
  }
  if (stats_.frames == 0) stats_.first_time_ns = f.time_ns;
  stats_.frames++;
  stats_.raw_bytes += f.RawSize();
  stats_.last_time_ns = f.time_ns;
  stats_.last_seq = f.seq;
  CountSubject(f.subject, f.RawSize());
  encoder_.Add(f);
  if (encoder_.raw_size() >= options_.chunk_bytes) return CloseChunk();
  return Status::Ok();
}

void SegmentWriter::CountSubject(std::string_view subject, size_t raw) {
  if (last_subject_stats_ != nullptr && last_subject_ == subject) {
    last_subject_stats_->frames++;
    last_subject_stats_->raw_bytes += raw;
    return;
  }
  auto it = subjects_.find(subject);
  if (it == subjects_.end()) {
    if (subjects_.size() >= options_.max_tracked_subjects) {
      footer_.subjects_truncated = true;
      return;
    }
    it = subjects_.emplace(std::string(subject), SubjectStats{}).first;
  }
  it->second.frames++;
  it->second.raw_bytes += raw;
  last_subject_stats_ = &it->second;
  last_subject_.assign(subject);
}

Status SegmentWriter::WriteChunk(const ReadyChunk& ready) {
  if (!status_.ok()) return status_;
  const ChunkSummary& sum = ready.chunk->summary;
  const std::string_view body = ready.body;
  EncodeRecordHeader(chunk_header_, RecordType::kChunk, body.size(),
                     ready.body_crc ? *ready.body_crc : crc32c::Value(body.data(), body.size()),
                     sum.frame_count, sum.first_seq, ready.frames_before);
  std::string_view header(chunk_header_, kRecordHeaderSize);
  if (Status s = file_->AppendPair(header, body); !s.ok()) return Fail(std::move(s));
  footer_.chunks.push_back(ChunkIndexEntry{stats_.file_bytes, kRecordHeaderSize + body.size(),
                                           sum.raw_bytes, sum.first_seq, sum.frame_count,
                                           sum.first_time_ns, sum.last_time_ns});
  stats_.file_bytes += kRecordHeaderSize + body.size();
  stats_.frames_written += sum.frame_count;
  stats_.chunks++;
  if (ready.stored) stats_.chunks_stored++;
  if (ready.stored_behind) stats_.chunks_stored_behind++;
  return Status::Ok();
}

Status SegmentWriter::CloseChunk() {
  if (!status_.ok()) return status_;
  const uint64_t frames_before = stats_.frames - encoder_.summary().frame_count;
  Status s = compression_->Submit(&encoder_, frames_before, write_chunk_);
  return s.ok() ? s : Fail(std::move(s));
}

Status SegmentWriter::Poll() {
  if (!status_.ok()) return status_;
  Status s = compression_->Poll(write_chunk_);
  return s.ok() ? s : Fail(std::move(s));
}

Status SegmentWriter::Flush() {
  if (!status_.ok()) return status_;
  if (!encoder_.empty()) EVTAPE_RETURN_IF_ERROR(CloseChunk());
  Status s = compression_->Flush(write_chunk_);
  return s.ok() ? s : Fail(std::move(s));
}

Status SegmentWriter::AddGap(const Gap& gap) {
  EVTAPE_RETURN_IF_ERROR(Flush());
  record_.clear();
  AppendRecord(&record_, RecordType::kGap, EncodeGapBody(gap));
  EVTAPE_RETURN_IF_ERROR(Write(record_));
  footer_.gaps.push_back(gap);
  footer_.gaps.back().detail.resize(std::min(gap.detail.size(), kMaxGapDetail));
  stats_.gaps++;
  return Status::Ok();
}

Status SegmentWriter::Sync() {
  EVTAPE_RETURN_IF_ERROR(Flush());
  if (Status s = file_->Sync(); !s.ok()) return Fail(std::move(s));
  return Status::Ok();
}

Status SegmentWriter::Seal(const nlohmann::json& extra) {
  if (sealed_) return Status::Ok();
  EVTAPE_RETURN_IF_ERROR(Flush());
  footer_.frames = stats_.frames;
  footer_.first_seq = footer_.chunks.empty() ? 0 : footer_.chunks.front().first_seq;
  footer_.last_seq = stats_.last_seq;
  footer_.first_time_ns = stats_.first_time_ns;
  footer_.last_time_ns = stats_.last_time_ns;
  footer_.raw_bytes = stats_.raw_bytes;
  footer_.subjects.assign(subjects_.begin(), subjects_.end());
  footer_.extra = extra.is_object() ? extra : nlohmann::json::object();
  uint64_t footer_offset = stats_.file_bytes;
  record_.clear();
  AppendRecord(&record_, RecordType::kFooter, EncodeFooterBody(footer_));
  record_ += EncodeTrailer(footer_offset);
  EVTAPE_RETURN_IF_ERROR(Write(record_));
  if (Status s = file_->Sync(); !s.ok()) return Fail(std::move(s));
  if (Status s = file_->Close(); !s.ok()) return Fail(std::move(s));
  if (Status s = fs_->Rename(open_path_, path_); !s.ok()) return Fail(std::move(s));
  if (Status s = fs_->SyncDir(DirName(path_)); !s.ok()) return Fail(std::move(s));
  sealed_ = true;
  return Status::Ok();
}

}  // namespace evtape::format
