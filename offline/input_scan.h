// Reading every input in full for `evtape verify`: recordings segment by segment (ScanSegments:
// damage becomes issues with exact loss accounting) and JSON lines files line by line (every
// line must decode). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "offline/common.h"

namespace evtape::offline {

struct JsonlTotals {
  uint64_t files = 0, lines = 0;
};

// Reads the inputs in order, calling on_entry for each frame and gap; frames, gaps and raw bytes
// of both kinds of input go to `totals`, files and lines of JSON lines inputs to `jsonl`. A
// recording whose frame seqs go back across its segments gets one corruption issue.
// Errors: those of ScanSegments and ListSegments (naming the input), and a JSON line that does
// not decode (InvalidArgument naming the file and the line), which stops the scan.
Status ScanInputs(const std::vector<std::string>& inputs, IssueLog* log,
                  const std::function<Status(const format::Entry&)>& on_entry, ScanTotals* totals,
                  JsonlTotals* jsonl);

}  // namespace evtape::offline
