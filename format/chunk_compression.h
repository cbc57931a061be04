// ChunkCompression: how a segment writer turns its closed chunks into chunk bodies (MCAP's
// pluggable compression, one level up). The writer closes chunks in order and hands them to
// the strategy; the strategy hands them back, in the same order, through a write callback,
// compressed or stored, now or later. Two strategies live here:
//  * InlineCompression: compresses on the calling thread. Byte-deterministic.
//  * PooledCompression: compresses on worker threads while the caller goes on, and always waits
//    for them, so its output is byte-identical to InlineCompression's (offline verbs).
// A live recorder needs a third, which decides under load to store rather than fall behind
// (record/pressure_compression.h): that policy belongs to the recorder, not to the format.
//
// Threads: a strategy is used by the one thread that owns the writer (and may be shared by
// successive writers of that thread, e.g. a recording's segments). Errors: the write
// callback's Status is returned as is; strategies add none of their own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "format/chunk.h"
#include "format/compression_pool.h"
#include "format/status.h"

namespace evtape::format {

// A chunk ready to be written: its summary and content (for the index and the record header)
// and its body. Views are valid only during the write callback.
struct ReadyChunk {
  const ClosedChunk* chunk = nullptr;
  uint64_t frames_before = 0;  // frames in the segment's earlier chunks
  std::string_view body;       // chunk header + compressed or stored content
  std::optional<uint32_t> body_crc;  // unmasked CRC32C of body, when known without a pass
  bool stored = false;         // written uncompressed
  bool stored_behind = false;  // ... because compression was off or behind (not incompressible)
};
using ChunkWriteFn = std::function<Status(const ReadyChunk&)>;

class ChunkCompression {
 public:
  virtual ~ChunkCompression() = default;
  // Takes the open chunk of `encoder` (which must not be empty; it is reset) and writes, in
  // order, the chunks that are ready, possibly this one.
  virtual Status Submit(ChunkEncoder* encoder, uint64_t frames_before,
                        const ChunkWriteFn& write) = 0;
  // Writes every chunk submitted and not written yet (a flush or seal).
  virtual Status Flush(const ChunkWriteFn& write) = 0;
  // Writes the chunks that are ready, without waiting. For idle moments.
  virtual Status Poll(const ChunkWriteFn& write) = 0;
  // Content bytes submitted and not written yet.
  virtual uint64_t pending_bytes() const = 0;
  // Drops every chunk not written yet (a writer that ends without flushing, e.g. after a
  // failure), so that none reaches the next writer sharing this strategy.
  virtual void Discard() = 0;
};

// Writes a stored (uncompressed) chunk through `write`: the body is the chunk's own buffer.
Status WriteStoredChunk(ClosedChunk* chunk, uint64_t frames_before, bool behind,
                        const ChunkWriteFn& write);

class InlineCompression : public ChunkCompression {
 public:
  explicit InlineCompression(int zstd_level) : compressor_(zstd_level) {}
  Status Submit(ChunkEncoder* encoder, uint64_t frames_before, const ChunkWriteFn& write) override;
  Status Flush(const ChunkWriteFn&) override { return Status::Ok(); }
  Status Poll(const ChunkWriteFn&) override { return Status::Ok(); }
  uint64_t pending_bytes() const override { return 0; }
  void Discard() override {}

 private:
  ChunkCompressor compressor_;
  ClosedChunk closed_;  // reused
  std::string body_;    // reused
};

// Workers compress while the caller reads and filters its input; the caller waits for them in
// order, so the bytes written are those of InlineCompression.
class PooledCompression : public ChunkCompression {
 public:
  // threads >= 1; at most max_pending chunks (about twice their size in memory each) wait.
  PooledCompression(int threads, int zstd_level, size_t max_pending = 8);
  Status Submit(ChunkEncoder* encoder, uint64_t frames_before, const ChunkWriteFn& write) override;
  Status Flush(const ChunkWriteFn& write) override;
  Status Poll(const ChunkWriteFn& write) override;
  uint64_t pending_bytes() const override { return pending_bytes_; }
  void Discard() override;
  // Test seams: chunks waiting for the workers, and pausing them.
  size_t pending_chunks() const { return pool_.pending(); }
  void PauseForTesting(bool paused) { pool_.PauseForTesting(paused); }

 private:
  Status WriteJob(CompressionPool::JobPtr job, const ChunkWriteFn& write);
  CompressionPool pool_;
  size_t max_pending_;
  uint64_t pending_bytes_ = 0;
};

// The strategy offline writers use: workers when the machine has a core to spare, else inline.
std::unique_ptr<ChunkCompression> MakeDeterministicCompression(int zstd_level);

}  // namespace evtape::format
