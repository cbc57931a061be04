// The figures `evtape info` reports, collected from segment footers when sealed (reading only
// the trailer, footer and metadata records: nothing is decompressed) and by a scan of the
// segment otherwise (or when forced). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wasmcloud/event_stats.h"
#include "format/segment_reader.h"
#include "offline/common.h"

namespace evtape::offline {

struct SegmentInfo {
  std::string path;
  bool sealed = false;           // figures from the footer
  bool scanned = false;          // figures from a full read
  bool stats_in_footer = false;  // the footer's extra had type/source statistics
  uint64_t frames = 0, raw_bytes = 0, file_bytes = 0;
  int64_t first_time_ns = 0, last_time_ns = 0;
};

struct ChunkSummary {
  uint64_t count = 0, frames = 0, raw_bytes = 0, stored_bytes = 0;
  uint64_t min_stored = 0, max_stored = 0;
  uint32_t min_frames = 0, max_frames = 0;
  uint64_t indexed_segments = 0;  // segments whose chunk index was read from a footer
};

struct RecordingInfo {
  std::optional<format::Metadata> metadata;  // of the first segment
  std::vector<SegmentInfo> segments;
  uint64_t frames = 0, raw_bytes = 0, file_bytes = 0;
  std::optional<int64_t> first_time_ns, last_time_ns;
  std::map<std::string, format::SubjectStats, std::less<>> subjects;  // exact counts, bytes
  bool subjects_truncated = false;
  wasmcloud::EventStats stats;                    // types, sources, per-second rates
  uint64_t segments_without_stats = 0;  // sealed segments whose footer had no statistics
  ChunkSummary chunks;
  std::vector<format::Gap> gaps;
  IssueLog issues;  // from scanned segments
};

// Collects the info of the segments; `force_scan` reads every segment in full. Errors: I/O,
// and files that are not evtape segments.
Result<RecordingInfo> CollectInfo(const std::vector<std::string>& segments, bool force_scan);

}  // namespace evtape::offline
