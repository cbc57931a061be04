// The figures `evtape info` reports, collected from segment footers when sealed (reading only
// the trailer, footer and metadata records: nothing is decompressed), by a scan of the segment
// otherwise (or when forced), and by a scan of every JSON lines input. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wasmcloud/event_stats.h"
#include "format/ring_state.h"
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

// A JSON lines input, read in full.
struct JsonlInfo {
  std::string path;  // as given, "stdin" for -
  uint64_t lines = 0, frames = 0, gaps = 0, raw_bytes = 0;
};

struct RecordingInfo {
  std::optional<format::Metadata> metadata;  // of the first segment
  std::vector<SegmentInfo> segments;
  std::vector<JsonlInfo> jsonl;  // JSON lines inputs (no segments, chunks or stored bytes)
  uint64_t frames = 0, raw_bytes = 0, file_bytes = 0;  // file_bytes: of segments only
  std::optional<int64_t> first_time_ns, last_time_ns;
  std::map<std::string, format::SubjectStats, std::less<>> subjects;  // exact counts, bytes
  bool subjects_truncated = false;
  wasmcloud::EventStats stats;                    // types, sources, per-second rates
  uint64_t segments_without_stats = 0;  // sealed segments whose footer had no statistics
  ChunkSummary chunks;
  std::vector<format::Gap> gaps;
  IssueLog issues;  // from scanned segments
  // A ring recorder's directory (format/ring_state.h): what the ring deleted before the first
  // segment kept. Not a loss and not a gap. Of the first input that has one.
  std::optional<format::RingState> ring;
};

// Collects the info of the inputs, in order: recordings (directories or segment files) segment
// by segment, `force_scan` reading every segment in full, and JSON lines inputs ("-" or a name
// ending in .jsonl) line by line. Errors: I/O, a missing input or a file that is not an evtape
// segment (naming it), a malformed JSON line (naming the file and the line).
Result<RecordingInfo> CollectInfo(const std::vector<std::string>& inputs, bool force_scan);

}  // namespace evtape::offline
