// RecorderStats: the one set of figures of a recording run, live (the status line) and final
// (the summary). Each part of the recorder owns the fields it counts and contributes them to a
// snapshot; nothing is copied field by field between layers.
#pragma once

#include <cstdint>

namespace evtape::record {

struct RecorderStats {
  // What is in the recording (the writer thread's figures; never more than reached the file
  // or its open chunk).
  uint64_t messages = 0, raw_bytes = 0, stored_bytes = 0, segments = 0, gaps = 0;
  uint64_t chunks = 0, chunks_stored_behind = 0;  // the latter: compression was behind
  bool exact_headers = true;  // false: nats.c's raw layout was not recognised (fallback)
  // What was lost, each loss also a gap record.
  uint64_t dropped_by_queue = 0;   // exact
  uint64_t dropped_by_client = 0;  // nats.c slow consumer, exact
  uint64_t outages = 0;            // disconnect windows (one gap each, count unknown)
  // Received but never written: a write failure (disk full, I/O error) stopped the recording;
  // `messages` then counts only what reached the file. Exact.
  uint64_t not_written = 0;
  bool restart_gap = false;        // the previous run ended uncleanly
  // The hand-off buffer between the NATS thread and the writer.
  uint64_t queued = 0;  // received, not written yet
  uint64_t peak_queue_messages = 0, peak_queue_bytes = 0;
  // Sealed segments rewritten in big, strongly compressed chunks (record/compactor.h); left:
  // too big to wait for when the recorder stopped (readable, less compressed).
  uint64_t segments_compacted = 0, segments_left_uncompacted = 0;
  // Delivered again by an overlapping subscription and skipped.
  uint64_t duplicates_skipped = 0;
  // The ring (record/ring.h, `--ring`): oldest segments deleted on purpose, over all runs on
  // the directory (not a loss), and the first receive time of the oldest segment kept.
  bool ring = false;
  uint64_t ring_deleted_segments = 0, ring_deleted_messages = 0;
  int64_t ring_kept_from_ns = 0;
  bool connected = true;
  int64_t elapsed_ns = 0;
};

}  // namespace evtape::record
