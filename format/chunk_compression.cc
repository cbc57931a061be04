#include "format/chunk_compression.h"

#include <algorithm>
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
  // Workers overlap zstd with reading and filtering, and at high levels compression is the
  // bottleneck: one per core, up to 4 (each may hold two chunks and a zstd context). The
  // output is the same whatever their number.
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 1) {
    const int threads = static_cast<int>(std::min(cores, 4u));
    return std::make_unique<PooledCompression>(threads, zstd_level, threads + 1);
  }
  return std::make_unique<InlineCompression>(zstd_level);
}

}  // namespace evtape::format
