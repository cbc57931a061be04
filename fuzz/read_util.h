// Reading a whole segment or FrameSource into owned values, for the segment fuzz targets'
// comparisons (strict against skip, Next against NextBatch, SegmentReader against the
// FrameSource implementations).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "format/frame_source.h"
#include "format/segment_reader.h"

namespace evtape::fuzz {

using Item = std::variant<format::Frame, format::Gap>;

struct ReadOutcome {
  std::vector<Item> items;
  format::ReadStats stats;
  Status status;       // the error that ended the read, if any
  uint64_t issues = 0;  // reported to the Reporter
  size_t frames() const;
};

enum class ReadMode { kNext, kBatch };
ReadOutcome ReadSegment(FileSystem* fs, const std::string& path, format::Recovery recovery,
                        ReadMode mode);
ReadOutcome ReadSource(format::FrameSource* source);

// FUZZ_CHECKs: stats count what was returned and what was reported.
void CheckCounts(const ReadOutcome& r);
// FUZZ_CHECKs: a's items are a prefix of b's.
void CheckPrefix(const ReadOutcome& a, const ReadOutcome& b);
// FUZZ_CHECKs: same items and same stats.
void CheckSame(const ReadOutcome& a, const ReadOutcome& b);

// Counts the issues reported to it.
class CountingReporter : public format::Reporter {
 public:
  void OnIssue(const format::ReadIssue&) override { ++count; }
  uint64_t count = 0;
};

}  // namespace evtape::fuzz
