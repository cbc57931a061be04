// What `record -o DIR` finds in its output directory before it starts: where to continue
// (segment index, seq, recording id) and whether the previous run ended uncleanly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "format/file.h"
#include "format/types.h"

namespace evtape::record {

struct ResumeInfo {
  bool existing = false;     // the directory already holds an evtape recording
  uint32_t next_index = 1;   // of the first segment this run writes
  uint64_t next_seq = 1;     // of the first frame this run writes
  std::string recording_id;  // kept from the existing recording; empty for a new one
  // Set when the last segment was left unsealed (a crash, kill -9, power loss): the window
  // from its last readable frame to `now_ns`, count unknown.
  std::optional<format::Gap> restart_gap;
};

// Errors: InvalidArgument "DIR: not empty and not an evtape recording" (or not a directory),
// IOError when existing segments cannot be read.
Result<ResumeInfo> InspectOutput(FileSystem* fs, const std::string& dir, int64_t now_ns);

}  // namespace evtape::record
