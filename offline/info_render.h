// The two forms `evtape info` prints a RecordingInfo in: one JSON object (--json; the stable,
// scriptable form) and text tables for people. Pure functions of the info; no I/O but `out`.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>

#include "offline/info.h"

namespace evtape::offline {

// The --json object: metadata, inputs (segments or JSON lines files), time range, counts, bytes
// and ratio (recordings only), rates, subject/type/source tables, chunks, gaps and issues.
nlohmann::json InfoToJson(const RecordingInfo& info);

// The text form, with at most `top` rows per table (0: all). Writes to `out` only.
void RenderInfoText(const RecordingInfo& info, size_t top, std::ostream& out);

}  // namespace evtape::offline
