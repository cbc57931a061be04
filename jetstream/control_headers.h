// Headers that have a meaning for JetStream when a message is published into a stream's
// subjects (docs/jetstream.md, "Replaying into a stream"): Nats-Msg-Id (deduplication),
// Nats-Expected-* (the target refuses the message), Nats-Rollup (purges, or is refused),
// Nats-TTL (newer servers). A recording of lattice traffic may carry them; replaying them
// unchanged makes the target stream act on them.
//
// Pure functions, thread-safe. Header names are matched case-sensitively, as the server does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "format/status.h"
#include "format/frame_source.h"

namespace evtape::jetstream {

// True for a header name with server meaning (see above).
bool IsControlHeader(std::string_view name);

// The header block without the lines of control headers; *removed gets how many lines went.
// A block left with no header line becomes empty (no headers).
std::string StripControlHeaders(std::string_view block, int* removed);

// The block with "Nats-Msg-Id: id" as its first header line (the server uses the first one).
std::string WithMsgId(std::string_view block, std::string_view id);

// Reads `source` to the end and counts, per control header name, the frames carrying it.
struct ControlHeaderScan {
  uint64_t frames = 0;  // frames with at least one
  std::map<std::string, uint64_t> by_name;
};
Result<ControlHeaderScan> ScanControlHeaders(format::FrameSource* source);
// "12 frames carry JetStream control headers (Nats-Msg-Id 10, Nats-Rollup 2)"; "" when none.
std::string DescribeScan(const ControlHeaderScan& scan);

}  // namespace evtape::jetstream
