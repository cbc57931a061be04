// The statistics hook of writers: a writer of a recording may keep statistics of its own per
// segment (e.g. counts by CloudEvent type, in wasmcloud/) and store them in the segment footer's
// `extra` JSON at seal, so that `info` can show them without decompressing anything. The format
// library stores the JSON and knows nothing of what it means.
//
// Threads: a SegmentStats object is fed by the one thread that owns its writer.
#pragma once

#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "format/types.h"

namespace evtape::format {

class SegmentStats {
 public:
  virtual ~SegmentStats() = default;
  // Every frame the segment holds, in order.
  virtual void Add(const FrameView& frame) = 0;
  // The footer's `extra` object.
  virtual nlohmann::json ToJson() const = 0;
};

// Makes a fresh SegmentStats for each segment; empty: no statistics.
using SegmentStatsFactory = std::function<std::unique_ptr<SegmentStats>()>;

}  // namespace evtape::format
