// Chunks: groups of frames, delta-encoded, compressed with zstd and checksummed twice (the
// stored bytes by the record's body CRC, the uncompressed content by raw_crc).
//
// Not thread-safe: each writer and reader owns its own ChunkEncoder / ChunkDecoder; a
// ChunkCompressor is owned by the thread that uses it.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "format/records.h"
#include "format/segment_format.h"
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

// A closed chunk: its content (the encoded frames) behind kChunkHeaderSize reserved bytes, so
// that storing it uncompressed needs no copy, plus what the chunk header and the record header
// need. Filled by ChunkEncoder::Close(); read-only while a compression worker uses it.
struct ClosedChunk {
  std::string buf;  // [kChunkHeaderSize reserved][content]
  ChunkSummary summary;
  ChunkLayout layout = ChunkLayout::kColumns;
  uint32_t content_crc = 0;  // unmasked CRC32C of the content
  std::string_view content() const;
};

// Builds a chunk's content in the columnar layout (FORMAT.md, "Chunk content, version 2"):
// payloads go straight into the output buffer (or, when grouping, into one buffer per subject),
// every other field into a section of its own, joined at Close().
class ChunkEncoder {
 public:
  // group_payloads: lay payloads out grouped by subject (a few percent smaller after zstd, for
  // a hash lookup per frame: what offline writers use).
  explicit ChunkEncoder(bool group_payloads = false);
  ChunkEncoder(const ChunkEncoder&) = delete;
  ChunkEncoder& operator=(const ChunkEncoder&) = delete;

  // Appends one frame to the open chunk. The caller guarantees seq increases strictly.
  void Add(const FrameView& f);
  bool empty() const { return summary_.frame_count == 0; }
  // The content size Close() will produce.
  size_t raw_size() const { return size_ + kColumnTableSize; }
  const ChunkSummary& summary() const { return summary_; }
  // Moves the open chunk into *out (whose old buffer is reused for the next chunk) and resets
  // the encoder. The caller guarantees !empty().
  void Close(ClosedChunk* out);

 private:
  uint32_t GroupOf(std::string_view subject);
  std::string raw_;  // [kChunkHeaderSize reserved][payloads, when not grouping]
  std::array<std::string, kColumnSections> sections_;  // all but the payloads
  bool group_payloads_;
  std::vector<std::string> groups_;  // payloads by subject, in order of first appearance
  std::unordered_map<std::string, uint32_t> group_of_;
  std::string last_subject_;
  uint32_t last_group_ = 0;
  size_t size_ = 0;  // sections so far
  ChunkSummary summary_;
  int64_t prev_time_ = 0, prev_mono_ = 0;
  uint64_t prev_seq_ = 0;
};

// Turns closed chunks into chunk bodies. One per thread (it owns a zstd context).
class ChunkCompressor {
 public:
  explicit ChunkCompressor(int zstd_level);
  ~ChunkCompressor();
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;

  // Writes the zstd chunk body (header + compressed content) into *body. False (body
  // unspecified) when zstd fails or cannot shrink the content: store it instead.
  bool Compress(const ClosedChunk& chunk, std::string* body);

 private:
  int level_;
  ZSTD_CCtx_s* cctx_;
};

// Writes the chunk header of an uncompressed chunk into the reserved bytes of chunk->buf and
// returns the body: chunk->buf itself, no copy. Only touches those reserved bytes, so it may
// run while a ChunkCompressor reads the same chunk's content on another thread. *body_crc
// gets the body's CRC, derived from content_crc without reading the content again.
std::string_view StoredBody(ClosedChunk* chunk, uint32_t* body_crc);

class ChunkDecoder {
 public:
  ChunkDecoder();
  ~ChunkDecoder();
  ChunkDecoder(const ChunkDecoder&) = delete;
  ChunkDecoder& operator=(const ChunkDecoder&) = delete;

  // What Decode checks beyond the structure (the caller has checked the record's body CRC).
  struct Checks {
    // CRC32C of the stored bytes (the body after the chunk header), when the caller computed
    // it while checking the body CRC: a stored chunk's content then needs no second pass.
    std::optional<uint32_t> stored_crc;
    // Check a zstd chunk's decompressed content against raw_crc: an end-to-end check against
    // a faulty compressor or memory, on top of the body CRC that already guards the bytes on
    // disk. Costs a CRC pass over the content (about a tenth of a max-speed replay's CPU).
    // Stored chunks are always checked.
    bool zstd_content = true;
  };
  // Validates and decodes a whole chunk body before returning any frame, so a damaged chunk
  // never yields a wrong frame. On success `frames` views into this decoder's buffer (valid
  // until the next Decode). On failure returns a short fixed reason ("raw crc mismatch", ...).
  // `max_raw_bytes` caps the allocation, checked before allocating.
  std::string Decode(const RecordHeader& header, std::string_view body, uint64_t max_raw_bytes,
                     std::vector<FrameView>* frames, const Checks& checks);
  // Hands over the buffer the last decoded zstd chunk's views point into (so they outlive the
  // next Decode) and installs `fresh` (may be null: a new buffer is made) in its place. Moving
  // a unique_ptr never moves the string, so the views stay valid.
  std::unique_ptr<std::string> SwapBuffer(std::unique_ptr<std::string> fresh);

 private:
  std::string ParseRows(const RecordHeader& h, std::string_view raw, uint64_t last_seq,
                        int64_t first_time, int64_t last_time, std::vector<FrameView>* out);
  std::string ParseColumns(const RecordHeader& h, std::string_view raw, uint64_t last_seq,
                           int64_t first_time, int64_t last_time, std::vector<FrameView>* out);
  std::vector<uint64_t> scratch_a_, scratch_b_;  // column values (grouped payloads)
  ZSTD_DCtx_s* dctx_;
  std::unique_ptr<std::string> raw_;  // never null
};

}  // namespace evtape::format
