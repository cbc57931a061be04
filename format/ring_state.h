// The ring state of a recording directory: a recorder with a ring (`evtape record --ring`)
// deletes the oldest sealed segments beyond its window and says so here, in
// DIR/evtape.ring.json (kRingStateFileName), so that readers can tell the recording's start
// was deleted on purpose: the missing early segments and the seq jump before the first kept
// frame are the ring doing its job, not a loss.
//
// The file is small JSON, replaced atomically (written to .tmp and renamed), and read by
// `info`. Only a directory's own writer writes it (one recorder per directory, DirLock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "format/file.h"
#include "format/status.h"

namespace evtape::format {

struct RingState {
  int64_t window_ns = 0;      // the ring's time window (0: none)
  uint64_t window_bytes = 0;  // its size window (0: none)
  // Totals of everything the ring deleted from this directory, over all runs.
  uint64_t deleted_segments = 0, deleted_frames = 0, deleted_bytes = 0;
  uint32_t deleted_through_index = 0;  // the newest deleted segment's index (0: none)
  uint64_t deleted_through_seq = 0;    // its last seq
  int64_t deleted_through_ns = 0;      // its last receive time (unix ns)
  bool operator==(const RingState&) const = default;
};

// The state in `dir`, nullopt when the directory has none (not a ring, or nothing deleted
// yet). Errors: IOError naming the file; InvalidArgument for a file that is not a ring state.
Result<std::optional<RingState>> ReadRingState(FileSystem* fs, const std::string& dir);
// Replaces the state in `dir` atomically. Errors: IOError naming the file.
Status WriteRingState(FileSystem* fs, const std::string& dir, const RingState& state);

}  // namespace evtape::format
