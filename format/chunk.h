// Chunks: groups of frames, delta-encoded, compressed with zstd and checksummed twice (the
// stored bytes by the record's body CRC, the uncompressed content by raw_crc).
//
// Not thread-safe: each writer and reader owns its own ChunkEncoder / ChunkDecoder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/records.h"
#include "format/types.h"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace evtape::format {

struct ChunkSummary {
  uint64_t first_seq = 0, last_seq = 0;
  uint32_t frame_count = 0;
  int64_t first_time_ns = 0, last_time_ns = 0;
  uint64_t raw_bytes = 0;
};

class ChunkEncoder {
 public:
  explicit ChunkEncoder(int zstd_level);
  ~ChunkEncoder();
  ChunkEncoder(const ChunkEncoder&) = delete;
  ChunkEncoder& operator=(const ChunkEncoder&) = delete;

  // Appends one frame to the open chunk. The caller guarantees seq increases strictly.
  void Add(const FrameView& f);
  bool empty() const { return summary_.frame_count == 0; }
  size_t raw_size() const { return raw_.size(); }
  const ChunkSummary& summary() const { return summary_; }
  // Compresses the open chunk into a chunk body (header + stored bytes) and resets the
  // encoder. Content that zstd cannot shrink is stored uncompressed.
  Status Finish(std::string* body);

 private:
  int level_;
  ZSTD_CCtx_s* cctx_;
  std::string raw_;
  ChunkSummary summary_;
  int64_t prev_time_ = 0, prev_mono_ = 0;
  uint64_t prev_seq_ = 0;
};

class ChunkDecoder {
 public:
  ChunkDecoder();
  ~ChunkDecoder();
  ChunkDecoder(const ChunkDecoder&) = delete;
  ChunkDecoder& operator=(const ChunkDecoder&) = delete;

  // Validates and decodes a whole chunk body before returning any frame, so a damaged chunk
  // never yields a wrong frame. On success `frames` views into this decoder's buffer (valid
  // until the next Decode). On failure returns a short fixed reason ("raw crc mismatch", ...).
  // `max_raw_bytes` caps the allocation, checked before allocating.
  std::string Decode(const RecordHeader& header, std::string_view body, uint64_t max_raw_bytes,
                     std::vector<FrameView>* frames);
  // Hands over the buffer the last decoded zstd chunk's views point into (so they outlive the
  // next Decode) and installs `fresh` (may be null: a new buffer is made) in its place. Moving
  // a unique_ptr never moves the string, so the views stay valid.
  std::unique_ptr<std::string> SwapBuffer(std::unique_ptr<std::string> fresh);

 private:
  std::string ParseFrames(const RecordHeader& h, std::string_view raw, uint64_t last_seq,
                          int64_t first_time, int64_t last_time, std::vector<FrameView>* out);
  ZSTD_DCtx_s* dctx_;
  std::unique_ptr<std::string> raw_;  // never null
};

}  // namespace evtape::format
