// What `evtape record` tells a human: the one-line live status and the final summary. Pure
// functions of RecorderStats; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "record/recorder.h"

namespace evtape::record {

// "1234 msgs  56 msg/s  1.2 MiB raw  0.3 MiB stored  1 seg  0 gaps", plus "[disconnected]".
// `rate` is messages per second since the previous line.
std::string FormatStatusLine(const RecorderStats& s, uint64_t rate);

// The summary lines (each ending in '\n', each prefixed "evtape record: "): what was recorded,
// what was lost and why, chunks stored to keep up, header fallbacks.
std::string FormatSummary(const RecorderSummary& s);

}  // namespace evtape::record
