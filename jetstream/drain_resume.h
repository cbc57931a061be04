// Where a drain of a stream into DIR continues: the last stream sequence DIR accounts for (a
// frame's seq, or a retention gap's after_seq + count), and the stream DIR was drained from.
// A drained recording numbers its frames with the stream sequences, so re-running into the same
// DIR resumes right after it: no duplicate and no hole.
#pragma once

#include <cstdint>
#include <string>

#include "format/file.h"
#include <nlohmann/json.hpp>

#include "format/status.h"

namespace evtape::jetstream {

struct DrainResume {
  bool existing = false;        // DIR already holds a drain
  uint32_t next_index = 1;      // of the first segment this run writes
  std::string recording_id;     // kept from DIR; empty for a new one
  uint64_t last_stream_seq = 0;  // 0: nothing accounted for yet
  int64_t stream_created_ns = 0;  // of the stream DIR was drained from
};

// Errors: InvalidArgument "--output: DIR ..." when DIR holds something else (not a recording,
// a live recording, or a drain of another stream); IOError when its segments cannot be read.
Result<DrainResume> InspectDrainOutput(FileSystem* fs, const std::string& dir,
                                       const std::string& stream);

// The metadata `extra` a drain writes: {"jetstream": {"stream": ..., "stream_created_ns": ...}}.
nlohmann::json DrainMetadata(const std::string& stream, int64_t stream_created_ns);

}  // namespace evtape::jetstream
