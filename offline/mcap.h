// `evtape export --format mcap` without a command line: a recording as an MCAP file
// (https://mcap.dev/spec, written here from the specification; docs/share.md), so it opens in
// Foxglove and the other MCAP tools.
//   - One channel per subject and payload kind: message encoding "json" for payloads that are
//     JSON, "application/octet-stream" for the others; no schema (schema id 0).
//   - Each frame is one message: log_time = publish_time = the receive time (ns; times before
//     1970 become 0), sequence = the frame's seq modulo 2^32, data = the payload. NATS headers
//     and reply subjects are not exported.
//   - Messages go into uncompressed chunks (at most kMcapChunkBytes each) with their CRC32;
//     the data section's CRC32 is in the Data End record. No summary section.
//   - Each gap becomes a Metadata record "evtape.gap" (reason, start, end, lost, after_seq,
//     detail); the recording's own metadata one record "evtape.recording".
// Errors: those of reading (naming the input) and writing (naming the file). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape::offline {

inline constexpr size_t kMcapChunkBytes = 1 << 20;

struct McapResult {
  uint64_t messages = 0, gaps = 0, channels = 0, bytes = 0;
};

// Writes the inputs (merged in time order) to `out_path` (a new file).
Result<McapResult> ExportMcap(const std::vector<std::string>& inputs, const std::string& out_path);

}  // namespace evtape::offline
