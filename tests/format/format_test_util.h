// Shared helpers for format tests: a deterministic frame generator with skewed sizes
// (LevelDB's RandomSkewedString idea), and write/read-all helpers over MemFileSystem.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "format/segment_reader.h"
#include "format/segment_writer.h"
#include "tests/format/mem_fs.h"

namespace evtape::testing {

class FrameGen {
 public:
  explicit FrameGen(uint64_t seed) : rng_(seed) {}
  // Payload sizes are skewed: mostly small, sometimes up to 2^max_log2 bytes.
  format::Frame Next(int max_log2 = 12);
  std::string Bytes(size_t n);
  uint64_t Uniform(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

 private:
  std::mt19937_64 rng_;
  uint64_t seq_ = 0;
  int64_t time_ = 1'795'000'000'000'000'000;
};

// n frames from FrameGen(seed), payloads up to 2^max_log2 bytes.
std::vector<format::Frame> MakeFrames(uint64_t seed, int n, int max_log2 = 11);

struct ReadResult {
  std::vector<format::Frame> frames;
  std::vector<format::Gap> gaps;
  std::vector<format::ReadIssue> issues;
  format::ReadStats stats;
  Status status;  // Open() or Next() error, if any
};

class CollectingReporter : public format::Reporter {
 public:
  void OnIssue(const format::ReadIssue& issue) override { issues.push_back(issue); }
  std::vector<format::ReadIssue> issues;
};

format::Metadata TestMetadata(uint64_t first_seq = 1);
// Writes frames (and the gaps, each after the frame whose index it names) to `path` and seals.
void WriteSegment(MemFileSystem* fs, const std::string& path,
                  const std::vector<format::Frame>& frames, const format::WriterOptions& options,
                  bool seal = true);
ReadResult ReadAll(MemFileSystem* fs, const std::string& path, format::Recovery recovery,
                   bool verify_zstd_content = true);

// A segment of kMixedSegmentFrames frames in 4 KiB chunks, with a gap after frame 100 (count
// 7 + index, unknown for index 2): runs of small compressible frames (zstd chunks) and of
// random frames larger than a chunk (stored uncompressed). Frames come from `gen`.
inline constexpr size_t kMixedSegmentFrames = 240;
void WriteMixedSegment(FileSystem* fs, const std::string& path, uint32_t index, FrameGen* gen,
                       uint64_t first_seq, bool seal);
// The footer of a sealed segment (REQUIREs one).
format::Footer FooterOf(FileSystem* fs, const std::string& path);

}  // namespace evtape::testing
