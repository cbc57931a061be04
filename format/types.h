// Value types carried by a recording: frames, gaps, segment metadata and the footer summary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/status.h"

namespace evtape::format {

using ::evtape::Result;
using ::evtape::Status;

// One captured NATS message. The views point into storage owned by whoever produced the
// FrameView (a reader's chunk buffer: valid until that reader's next call).
struct FrameView {
  uint64_t seq = 0;      // recording-wide, strictly increasing within a segment
  int64_t time_ns = 0;   // receive time, realtime nanoseconds since the Unix epoch
  int64_t mono_ns = 0;   // receive time, CLOCK_MONOTONIC nanoseconds (host-local)
  std::string_view subject;
  std::string_view reply;    // empty when the message had none
  std::string_view headers;  // the raw NATS header block ("NATS/1.0\r\n..."), or empty
  std::string_view payload;
  size_t RawSize() const { return subject.size() + reply.size() + headers.size() + payload.size(); }
};

// An owning frame, for callers that keep frames beyond the producer's next call.
struct Frame {
  uint64_t seq = 0;
  int64_t time_ns = 0;
  int64_t mono_ns = 0;
  std::string subject, reply, headers, payload;
  static Frame From(const FrameView& v) {
    return {v.seq, v.time_ns, v.mono_ns, std::string(v.subject), std::string(v.reply),
            std::string(v.headers), std::string(v.payload)};
  }
  FrameView view() const { return {seq, time_ns, mono_ns, subject, reply, headers, payload}; }
  bool operator==(const Frame&) const = default;
};

enum class GapReason : uint8_t {
  kOther = 0,
  kSlowConsumer = 1,  // dropped by the client library's pending limits
  kDisconnect = 2,    // the connection to the server was down
  kRestart = 3,       // the recorder restarted after an unclean stop
  kOverflow = 4,      // dropped by the recorder's own bounded queue
  kIoError = 5,       // frames lost to a write failure
  kCorruption = 6,    // frames lost to damaged data (written by `recover`)
  kImported = 7,      // a gap carried over from an imported text file
  kRetention = 8,     // a stream no longer held them (expired, purged, deleted): `record --stream`
};
const char* GapReasonName(GapReason r);
std::optional<GapReason> ParseGapReason(std::string_view name);

// A hole in the recording: messages that were published but not captured.
struct Gap {
  GapReason reason = GapReason::kOther;
  int64_t start_ns = 0;  // realtime window of the outage
  int64_t end_ns = 0;
  std::optional<uint64_t> count;  // messages lost, when known exactly
  uint64_t after_seq = 0;         // the last seq written before the gap (0: none)
  std::string detail;             // short human text, at most kMaxGapDetail bytes
  bool operator==(const Gap&) const = default;
};

// Segment metadata, the first record of every segment. Never holds secrets: `source` is the
// server URL with any user info removed by the caller.
struct Metadata {
  std::string recording_id;
  std::string tool;  // "evtape 0.1.0"
  std::string source;
  std::vector<std::string> subscriptions;
  std::string host;
  uint32_t segment_index = 0;
  uint64_t first_seq = 1;    // the seq the segment's first frame may take, at the earliest
  int64_t created_ns = 0;    // realtime; part of the bytes, so callers pin it for determinism
  nlohmann::json extra = nlohmann::json::object();
  bool operator==(const Metadata&) const = default;
};
nlohmann::json MetadataToJson(const Metadata& m);
std::optional<Metadata> MetadataFromJson(const nlohmann::json& j);

// One chunk's entry in the footer index.
struct ChunkIndexEntry {
  uint64_t offset = 0;  // of the chunk's record header
  uint64_t stored_bytes = 0;  // record header + body
  uint64_t raw_bytes = 0;     // uncompressed content
  uint64_t first_seq = 0;
  uint32_t frame_count = 0;
  int64_t first_time_ns = 0;
  int64_t last_time_ns = 0;
  bool operator==(const ChunkIndexEntry&) const = default;
};

struct SubjectStats {
  uint64_t frames = 0;
  uint64_t raw_bytes = 0;
  bool operator==(const SubjectStats&) const = default;
};

// Written on clean close; lets `info` and time seeks avoid decompressing anything.
struct Footer {
  uint64_t frames = 0;
  uint64_t first_seq = 0, last_seq = 0;
  int64_t first_time_ns = 0, last_time_ns = 0;
  uint64_t raw_bytes = 0;  // sum of FrameView::RawSize
  std::vector<ChunkIndexEntry> chunks;
  std::vector<std::pair<std::string, SubjectStats>> subjects;  // sorted by subject
  bool subjects_truncated = false;  // more distinct subjects than the writer tracks
  std::vector<Gap> gaps;
  nlohmann::json extra = nlohmann::json::object();  // caller-supplied statistics
  bool operator==(const Footer&) const = default;
};

}  // namespace evtape::format
