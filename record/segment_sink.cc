#include "record/segment_sink.h"

#include <time.h>

#include <algorithm>

#include "format/recording.h"

namespace evtape::record {
namespace {

int64_t Now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

SegmentSink::SegmentSink(FileSystem* fs, SinkOptions options, SinkCounters* counters)
    : fs_(fs),
      options_(std::move(options)),
      counters_(counters),
      next_index_(options_.first_index),
      next_seq_(options_.first_seq) {
  writer_options_.zstd_level = options_.zstd_level;
  writer_options_.direct_io = options_.direct_io;
  // Small segment limits need small chunks, or a segment overshoots by a whole chunk.
  writer_options_.chunk_bytes = static_cast<size_t>(
      std::clamp<uint64_t>(options_.max_segment_bytes / 8, 16u << 10, 1u << 20));
  if (options_.compression_threads > 0) {
    // One pool for the whole recording: a segment switch never joins (waits for) a worker
    // still compressing, at idle priority, a chunk the previous segment stored instead.
    pool_ = std::make_unique<format::CompressionPool>(options_.compression_threads,
                                                      options_.zstd_level, true);
    writer_options_.shared_pool = pool_.get();
  }
  writer_options_.backlog = format::WriterOptions::Backlog::kCompress;
  // Enough to ride out a scheduling hiccup; beyond that, storing beats falling behind.
  writer_options_.max_pending_chunks = 8;
  // A flush waits this long at most for a chunk in flight: a worker that got CPU finishes a
  // chunk in a few ms; one starved at idle priority would not finish anyway.
  writer_options_.flush_wait_ns = std::min<int64_t>(5'000'000, options_.flush_interval_ns / 4);
}

void SegmentSink::UpdateCounters() {
  const format::WriterStats* w = writer_ ? &writer_->stats() : nullptr;
  counters_->stored_bytes.store(sealed_stored_bytes_ + (w ? w->file_bytes : 0),
                                std::memory_order_relaxed);
  counters_->chunks.store(sealed_chunks_ + (w ? w->chunks : 0), std::memory_order_relaxed);
  counters_->chunks_stored_behind.store(sealed_chunks_behind_ + (w ? w->chunks_stored_behind : 0),
                                        std::memory_order_relaxed);
}

SegmentSink::~SegmentSink() = default;

const std::string& SegmentSink::current_path() const {
  static const std::string kNone;
  return writer_ ? writer_->path() : kNone;
}

Status SegmentSink::Open() {
  if (!status_.ok()) return status_;
  if (!writer_) status_ = OpenSegment(Now(CLOCK_MONOTONIC));
  return status_;
}

Status SegmentSink::OpenSegment(int64_t mono_ns) {
  format::Metadata md = options_.base;
  md.segment_index = next_index_;
  md.first_seq = next_seq_;
  md.created_ns = Now(CLOCK_REALTIME);
  std::string path = format::SegmentPath(options_.dir, next_index_);
  EVTAPE_ASSIGN_OR_RETURN(writer_, format::SegmentWriter::Create(fs_, path, md, writer_options_));
  writer_->set_compress_inline(keeping_up_);
  SetUnderPressure(under_pressure_);
  ++next_index_;
  segment_start_mono_ = mono_ns;
  counters_->segments.fetch_add(1, std::memory_order_relaxed);
  segment_stats_ = options_.segment_stats ? options_.segment_stats() : nullptr;
  return Status::Ok();
}

Status SegmentSink::Seal() {
  nlohmann::json extra = nlohmann::json::object();
  if (segment_stats_) extra = segment_stats_->ToJson();
  Status s = writer_->Seal(extra);
  sealed_stored_bytes_ += writer_->stats().file_bytes;
  sealed_chunks_ += writer_->stats().chunks;
  sealed_chunks_behind_ += writer_->stats().chunks_stored_behind;
  writer_.reset();
  UpdateCounters();
  return s;
}

Status SegmentSink::AddFrame(format::FrameView frame) {
  if (!status_.ok()) return status_;
  if (!writer_) {
    status_ = OpenSegment(frame.mono_ns);
    if (!status_.ok()) return status_;
  }
  if (writer_->stats().frames > 0 &&
      frame.mono_ns - segment_start_mono_ >= options_.max_segment_duration_ns) {
    status_ = Seal();
    if (status_.ok()) status_ = OpenSegment(frame.mono_ns);
    if (!status_.ok()) return status_;
  }
  frame.seq = next_seq_;
  Status s = writer_->Add(frame);
  if (!s.ok()) {
    status_ = writer_->status();  // sticky failure; a refused frame alone is not
    return s;
  }
  ++next_seq_;
  if (segment_stats_) segment_stats_->Add(frame);
  counters_->frames.fetch_add(1, std::memory_order_relaxed);
  counters_->raw_bytes.fetch_add(frame.RawSize(), std::memory_order_relaxed);
  // Counting what is not written yet keeps the segment within the limit (by at most one
  // frame), whatever compression does with it.
  if (writer_->stats().file_bytes + writer_->unwritten_bytes() >= options_.max_segment_bytes) {
    status_ = Seal();
  }
  return status_;
}

Status SegmentSink::AddGap(format::Gap gap) {
  if (!status_.ok()) return status_;
  if (!writer_) {
    status_ = OpenSegment(Now(CLOCK_MONOTONIC));
    if (!status_.ok()) return status_;
  }
  gap.after_seq = next_seq_ - 1;
  if (gap.detail.size() > format::kMaxGapDetail) gap.detail.resize(format::kMaxGapDetail);
  status_ = writer_->AddGap(gap);
  if (status_.ok()) {
    counters_->gaps.fetch_add(1, std::memory_order_relaxed);
    if (gap.count) counters_->lost_in_gaps.fetch_add(*gap.count, std::memory_order_relaxed);
    UpdateCounters();
  }
  return status_;
}

Status SegmentSink::Tick() {
  if (!status_.ok() || !writer_) return status_;
  status_ = options_.fsync == FsyncPolicy::kInterval ? writer_->Sync() : writer_->Flush();
  if (status_.ok()) UpdateCounters();
  return status_;
}

void SegmentSink::SetKeepingUp(bool keeping_up) {
  keeping_up_ = keeping_up;
  if (writer_) writer_->set_compress_inline(keeping_up);
}

void SegmentSink::SetUnderPressure(bool under_pressure) {
  under_pressure_ = under_pressure;
  if (writer_) {
    writer_->set_backlog(under_pressure ? format::WriterOptions::Backlog::kStore
                                        : format::WriterOptions::Backlog::kCompress);
  }
}

Status SegmentSink::Poll() {
  if (!status_.ok() || !writer_) return status_;
  status_ = writer_->Poll();
  if (status_.ok()) UpdateCounters();
  return status_;
}

Status SegmentSink::Close() {
  if (!status_.ok()) return status_;
  if (writer_) status_ = Seal();
  return status_;
}

}  // namespace evtape::record
