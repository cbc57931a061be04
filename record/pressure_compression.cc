#include "record/pressure_compression.h"

namespace evtape::record {

using format::ChunkWriteFn;
using format::CompressionPool;
using format::ReadyChunk;

PressureCompression::PressureCompression(const Options& options)
    : options_(options), compressor_(options.zstd_level) {
  if (options_.threads > 0) {
    pool_ = std::make_unique<CompressionPool>(options_.threads, options_.zstd_level,
                                              /*background_priority=*/true);
  }
}

void PressureCompression::PauseForTesting(bool paused) {
  if (pool_) pool_->PauseForTesting(paused);
}

CompressionPool::Clock::time_point PressureCompression::Deadline() const {
  return CompressionPool::Clock::now() + std::chrono::nanoseconds(options_.flush_wait_ns);
}

Status PressureCompression::WriteJob(CompressionPool::JobPtr job, Missing missing,
                                     const ChunkWriteFn& write) {
  pending_bytes_ -= job->chunk.content().size();  // every job taken back comes here
  Status s;
  if (job->compressed) {
    s = write(ReadyChunk{&job->chunk, job->frames_before, job->body, std::nullopt, false, false});
  } else if (!job->tried && missing == Missing::kCompress &&
             compressor_.Compress(job->chunk, &body_)) {
    s = write(ReadyChunk{&job->chunk, job->frames_before, body_, std::nullopt, false, false});
  } else {
    // Not compressible (a worker or the writer tried), or taken back under pressure.
    const bool behind = !job->tried && missing == Missing::kStore;
    s = format::WriteStoredChunk(&job->chunk, job->frames_before, behind, write);
  }
  pool_->Recycle(std::move(job));
  return s;
}

Status PressureCompression::TakeBackAll(const ChunkWriteFn& write) {
  while (pending() > 0) {
    EVTAPE_RETURN_IF_ERROR(
        WriteJob(pool_->TakeFront(CompressionPool::Clock::now()), Missing::kStore, write));
  }
  return Status::Ok();
}

Status PressureCompression::Submit(format::ChunkEncoder* encoder, uint64_t frames_before,
                                   const ChunkWriteFn& write) {
  if (under_pressure_) {
    // Chunks in flight first: the file keeps the order of the stream.
    EVTAPE_RETURN_IF_ERROR(TakeBackAll(write));
    encoder->Close(&closed_);
    return format::WriteStoredChunk(&closed_, frames_before, /*behind=*/true, write);
  }
  if (!pool_ || (keeping_up_ && pool_->pending() == 0)) {
    encoder->Close(&closed_);
    if (compressor_.Compress(closed_, &body_)) {
      return write(ReadyChunk{&closed_, frames_before, body_, std::nullopt, false, false});
    }
    return format::WriteStoredChunk(&closed_, frames_before, /*behind=*/false, write);
  }
  CompressionPool::JobPtr job = pool_->NewJob();
  encoder->Close(&job->chunk);
  job->frames_before = frames_before;
  pending_bytes_ += job->chunk.content().size();
  pool_->Submit(std::move(job));
  EVTAPE_RETURN_IF_ERROR(Poll(write));
  while (pool_->pending() > options_.max_pending) {
    EVTAPE_RETURN_IF_ERROR(WriteJob(pool_->TakeFront(Deadline()), Missing::kCompress, write));
  }
  return Status::Ok();
}

Status PressureCompression::Flush(const ChunkWriteFn& write) {
  if (under_pressure_) return TakeBackAll(write);
  const auto deadline = Deadline();
  while (pending() > 0) {
    EVTAPE_RETURN_IF_ERROR(WriteJob(pool_->TakeFront(deadline), Missing::kCompress, write));
  }
  return Status::Ok();
}

Status PressureCompression::Poll(const ChunkWriteFn& write) {
  if (!pool_) return Status::Ok();
  while (CompressionPool::JobPtr job = pool_->TakeFrontIfDone()) {
    EVTAPE_RETURN_IF_ERROR(WriteJob(std::move(job), Missing::kCompress, write));
  }
  return Status::Ok();
}

void PressureCompression::Discard() {
  if (pool_) pool_->DiscardPending();
  pending_bytes_ = 0;
}

}  // namespace evtape::record
