// CRC32C (Castagnoli), hardware-accelerated with SSE4.2 when the CPU has it (checked once at
// start-up), a table-driven fallback otherwise. Thread-safe, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace evtape::crc32c {

// CRC of data[0, n) continuing from `init` (the CRC of the bytes before it; 0 to start).
uint32_t Extend(uint32_t init, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
// The CRC of A followed by B, from crc_a = Value(A), crc_b = Value(B) and B's length, in
// O(log len_b) without touching the bytes (zlib's crc32_combine idea, for CRC32C).
uint32_t Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

// Stored CRCs are masked (LevelDB's trick): the CRC of bytes that embed their own CRC is
// otherwise degenerate, and all-zero regions would carry a "valid" CRC of zero.
constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace evtape::crc32c
