// Recordings made in the test (through format::SegmentWriter) and ways to damage them.
#pragma once

#include <string>
#include <vector>

#include "format/types.h"
#include "tests/testutil/testutil.h"

namespace evtape::offline_test {

inline constexpr int64_t kT0 = 1'795'000'000'000'000'000;  // 2026-11-18T11:06:40Z

// n frames, one every 10 ms from kT0, seq 1..n: CloudEvents of three types from two sources on
// two subjects, plus every 7th frame a binary payload, every 5th with headers (duplicate keys),
// every 11th with an empty payload.
std::vector<format::Frame> MakeFrames(size_t n);

struct WriteSpec {
  size_t frames_per_segment = 0;  // 0: one segment
  bool seal_last = true;
  size_t chunk_bytes = 4096;  // small chunks so that damage hits one chunk of many
  std::vector<std::pair<size_t, format::Gap>> gaps;  // gap written after frame index i
  bool with_stats = true;                            // footer extra from wasmcloud::EventStats
};

// Writes `frames` as a recording in `dir` (created). Returns the segment paths.
std::vector<std::string> WriteRecording(const std::string& dir,
                                        const std::vector<format::Frame>& frames,
                                        const WriteSpec& spec = {});

void FlipByte(const std::string& path, uint64_t offset);
void TruncateTo(const std::string& path, uint64_t size);
uint64_t FileSize(const std::string& path);

// Runs evtape with args; returns the result (stdout/stderr captured).
testutil::ProcResult Evtape(const std::vector<std::string>& args,
                            const std::string& stdin_data = "");
// Number of lines in s.
size_t CountLines(const std::string& s);

}  // namespace evtape::offline_test
