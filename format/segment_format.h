// Layout constants of the evtape segment format, shared by the writer and the reader.
// format/FORMAT.md is the specification; change the two together.
#pragma once

#include <cstddef>
#include <cstdint>

namespace evtape::format {

// File header: magic[8] | version u32 | masked crc32c(bytes 0..11) u32.
inline constexpr char kFileMagic[8] = {'\x89', 'E', 'V', 'T', 'A', 'P', 'E', '\n'};
inline constexpr size_t kFileHeaderSize = 16;
// The version this evtape writes, and the oldest it reads.
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr uint32_t kOldestReadableVersion = 1;

// Record header: magic u32 | type u8 | flags u8 | reserved u16 | body_len u32 |
// frame_count u32 | first_seq u64 | frames_before u64 | body_crc u32 |
// header_crc u32 (over bytes 0..35). frame_count, first_seq and frames_before (the number of
// frames in the segment's earlier chunks) are zero except in chunk records; they let a reader
// count exactly the frames it could not read, whatever the sequence numbers are.
inline constexpr uint32_t kRecordMagic = 0x1a525645;  // bytes "EVR\x1a"
inline constexpr size_t kRecordHeaderSize = 40;

enum class RecordType : uint8_t {
  kMetadata = 1,
  kChunk = 2,
  kGap = 3,
  kFooter = 4,
};
// Types with this bit set may be skipped by readers that do not know them (RocksDB's
// kRecordTypeSafeIgnoreMask idea); unknown types without it are refused as unsupported.
inline constexpr uint8_t kSafeIgnoreBit = 0x80;

// Chunk body header: codec u8 | layout u8 | reserved[2] | raw_len u32 | raw_crc u32 |
// reserved u32 | last_seq u64 | first_time_ns i64 | last_time_ns i64, then the stored
// (compressed) bytes.
inline constexpr size_t kChunkHeaderSize = 40;
enum class Codec : uint8_t { kNone = 0, kZstd = 1 };
// How the frames are laid out in a chunk's content: row by row (version 1 segments), or
// column by column (version 2: every number of every frame first by field, then the byte
// fields, which compresses about a fifth smaller).
enum class ChunkLayout : uint8_t { kRows = 0, kColumns = 1 };
// The columnar layout's sections, in content order, and its trailing table: a u32 size per
// section, then flags u8 and the table version u8.
inline constexpr int kColumnSections = 12;
inline constexpr size_t kColumnTableSize = 4 * kColumnSections + 2;
inline constexpr uint8_t kColumnTableVersion = 1;
inline constexpr uint8_t kColumnsGrouped = 0x01;  // payloads grouped by subject

// Gap body: reason u8 | flags u8 | reserved[6] | start_ns i64 | end_ns i64 | count u64 |
// after_seq u64 | varint detail_len | detail.
inline constexpr size_t kGapFixedSize = 40;
inline constexpr uint8_t kGapCountKnown = 0x01;
inline constexpr size_t kMaxGapDetail = 4096;

// Trailer after the footer record of a sealed segment:
// footer_offset u64 | reserved u32 | masked crc32c(bytes 0..11) u32 | magic[8].
inline constexpr char kTrailerMagic[8] = {'E', 'V', 'T', 'A', 'P', 'E', 'N', 'D'};
inline constexpr size_t kTrailerSize = 24;

// Caps checked before anything is allocated. A frame's payload may be up to 64 MiB; a chunk
// holds at least one frame plus its subject, reply and header block.
inline constexpr uint64_t kMaxPayloadBytes = 64ull << 20;
inline constexpr uint64_t kMaxFrameFieldBytes = 1ull << 20;  // subject, reply, header block
inline constexpr uint64_t kMaxChunkRawBytes = kMaxPayloadBytes + 4 * kMaxFrameFieldBytes;
inline constexpr uint64_t kMaxRecordBodyBytes = kMaxChunkRawBytes + (kMaxChunkRawBytes >> 7) +
                                                 (1ull << 20);  // >= ZSTD_compressBound
inline constexpr uint64_t kMaxMetadataBytes = 1ull << 20;
inline constexpr uint64_t kMaxFooterBytes = 64ull << 20;
inline constexpr uint32_t kMaxFramesPerChunk = 1u << 24;

// Segment file names: NNNNNN.seg (sealed), NNNNNN.seg.open (being written or crashed).
inline constexpr const char* kSegmentSuffix = ".seg";
inline constexpr const char* kOpenSuffix = ".open";
// NNNNNN.seg.compacting: a compacted copy being written next to its sealed segment (renamed
// over it when complete). Part of a recording directory, never read; a crash leaves it behind,
// and the next writer removes it.
inline constexpr const char* kCompactingSuffix = ".compacting";
// evtape.lock: the file a recorder holds an flock on while it writes the directory (one
// recorder per directory). Part of a recording directory, never read as a segment.
inline constexpr const char* kLockFileName = "evtape.lock";
// evtape.ring.json: what a ring recorder (`record --ring`) deleted from the directory's start
// (format/ring_state.h). Part of a recording directory, never read as a segment.
inline constexpr const char* kRingStateFileName = "evtape.ring.json";

}  // namespace evtape::format
