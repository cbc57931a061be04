// Helpers shared by the fuzz targets (fuzz/*.cc): reading structured values out of the fuzzer's
// bytes, building frames from them, a per-process scratch directory, and FUZZ_CHECK, which
// aborts (a finding) when an invariant does not hold.
//
// Each target defines LLVMFuzzerTestOneInput and is built two ways (fuzz/CMakeLists.txt): with
// libFuzzer under clang (./tools/dev.sh fuzz), and with replay_main.cc under g++ as a ctest test
// that feeds every committed corpus file (fuzz.replay_NAME). Single-threaded, like libFuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/types.h"

// An invariant of a target: false is a finding (abort, so libFuzzer and the replay driver both
// report the input).
#define FUZZ_CHECK(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);   \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)

namespace evtape::fuzz {

// Consumes the fuzzer's bytes front to back; past the end every value reads as zero/empty, so
// any input (even empty) is a valid description.
class Input {
 public:
  Input(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t U8() { return pos_ < size_ ? static_cast<uint8_t>(data_[pos_++]) : 0; }
  bool Bool() { return (U8() & 1) != 0; }
  uint64_t U64(int bytes = 8) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | U8();
    return v;
  }
  // A value in [lo, hi].
  uint64_t Range(uint64_t lo, uint64_t hi) {
    if (hi <= lo) return lo;
    uint64_t span = hi - lo;
    int bytes = span < 0x100 ? 1 : span < 0x10000 ? 2 : span < 0x1000000 ? 3 : 8;
    uint64_t v = U64(bytes);
    return span == UINT64_MAX ? v : lo + v % (span + 1);
  }
  // Up to max_len bytes: a length byte (or two), then the bytes.
  std::string Bytes(size_t max_len) {
    size_t n = static_cast<size_t>(Range(0, max_len));
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string s(data_ + pos_, n);
    pos_ += n;
    return s;
  }
  // Everything not consumed yet.
  std::string_view Rest() {
    std::string_view s = pos_ < size_ ? std::string_view(data_ + pos_, size_ - pos_) : "";
    pos_ = size_;
    return s;
  }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

// A frame described by the input: any bytes in every field (sometimes a realistic subject),
// times moved by any delta (including ones that overflow), payloads up to 4 KiB.
format::Frame MakeFrame(Input* in, uint64_t seq, int64_t* time_ns);

// A directory of this process's own (created once, under $TMPDIR or /tmp), emptied by
// ScratchDir::Clear(): for targets whose code under test works on real paths.
class ScratchDir {
 public:
  static const std::string& Path();
  // Removes everything inside Path().
  static void Clear();
  // Path()/name, holding `bytes`.
  static std::string WriteFile(const std::string& name, std::string_view bytes);
};

}  // namespace evtape::fuzz
