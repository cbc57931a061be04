#include "format/chunk_compression.h"

#include <thread>

namespace evtape::format {

Status WriteStoredChunk(ClosedChunk* chunk, uint64_t frames_before, bool behind,
                        const ChunkWriteFn& write) {
  uint32_t crc = 0;
  std::string_view body = StoredBody(chunk, &crc);
  return write(ReadyChunk{chunk, frames_before, body, crc, /*stored=*/true, behind});
}

Status InlineCompression::Submit(ChunkEncoder* encoder, uint64_t frames_before,
                                 const ChunkWriteFn& write) {
  encoder->Close(&closed_);
  if (compressor_.Compress(closed_, &body_)) {
    return write(ReadyChunk{&closed_, frames_before, body_, std::nullopt, false, false});
  }
  return WriteStoredChunk(&closed_, frames_before, /*behind=*/false, write);
}

PooledCompression::PooledCompression(int threads, int zstd_level, size_t max_pending)
    : pool_(threads, zstd_level, /*background_priority=*/false), max_pending_(max_pending) {}

Status PooledCompression::WriteJob(CompressionPool::JobPtr job, const ChunkWriteFn& write) {
  pending_bytes_ -= job->chunk.content().size();
  Status s = job->compressed
                 ? write(ReadyChunk{&job->chunk, job->frames_before, job->body, std::nullopt,
                                    false, false})
                 : WriteStoredChunk(&job->chunk, job->frames_before, false, write);
  pool_.Recycle(std::move(job));
  return s;
}

Status PooledCompression::Submit(ChunkEncoder* encoder, uint64_t frames_before,
                                 const ChunkWriteFn& write) {
  CompressionPool::JobPtr job = pool_.NewJob();
  encoder->Close(&job->chunk);
  job->frames_before = frames_before;
  pending_bytes_ += job->chunk.content().size();
  pool_.Submit(std::move(job));
  EVTAPE_RETURN_IF_ERROR(Poll(write));
  while (pool_.pending() > max_pending_) {
    EVTAPE_RETURN_IF_ERROR(WriteJob(pool_.TakeFront(CompressionPool::Clock::time_point::max()),
                                    write));
  }
  return Status::Ok();
}

Status PooledCompression::Flush(const ChunkWriteFn& write) {
  while (pool_.pending() > 0) {
    EVTAPE_RETURN_IF_ERROR(WriteJob(pool_.TakeFront(CompressionPool::Clock::time_point::max()),
                                    write));
  }
  return Status::Ok();
}

Status PooledCompression::Poll(const ChunkWriteFn& write) {
  while (CompressionPool::JobPtr job = pool_.TakeFrontIfDone()) {
    EVTAPE_RETURN_IF_ERROR(WriteJob(std::move(job), write));
  }
  return Status::Ok();
}

void PooledCompression::Discard() {
  pool_.DiscardPending();
  pending_bytes_ = 0;
}

std::unique_ptr<ChunkCompression> MakeDeterministicCompression(int zstd_level) {
  // One worker overlaps zstd with reading and filtering; more would only contend with the
  // reader on small machines, and the output is the same either way.
  if (std::thread::hardware_concurrency() > 1) {
    return std::make_unique<PooledCompression>(1, zstd_level);
  }
  return std::make_unique<InlineCompression>(zstd_level);
}

}  // namespace evtape::format
