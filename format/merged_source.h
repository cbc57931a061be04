// MergedSource: several sources merged into one stream by receive time: the one time-merge of
// evtape (replay of several inputs, `evtape merge`, the fixtures of `evtape test`).
//
// Order: the entry with the earliest time goes next, a frame by its receive time and a gap by
// the start of its window; on equal times the source given first goes first; within one source
// its own order is always kept (even where its clock stepped back), so the merge never reorders
// an input: it is a merge, not a sort. Merging the merged output again gives the same order.
//
// Reads each source's first entry at the first Next(). An error of any source ends the merge:
// it is returned, and again by every later call. Views: the entry returned last points into
// its source, which is not read again until the next call; the other sources' next entries are
// held unread by the caller. With a single source, Next() is that source's Next().
//
// Not thread-safe (FrameSource's contract).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "format/frame_source.h"

namespace evtape::format {

class MergedSource : public FrameSource {
 public:
  explicit MergedSource(std::vector<std::unique_ptr<FrameSource>> sources);
  Result<bool> Next(Entry* entry) override;
  // The name of the source the last entry came from.
  const std::string& name() const override;
  ReadStats stats() const override;

 private:
  struct Head {
    Entry entry;
    bool has = false;
  };
  Status Advance(size_t i);
  Result<bool> Fail(Status s);

  std::vector<std::unique_ptr<FrameSource>> sources_;
  std::vector<Head> heads_;
  bool started_ = false;
  bool advance_last_ = false;  // the entry of last_ was handed out: read its next one first
  size_t last_ = 0;            // the source the last entry came from
  Status error_;
};

}  // namespace evtape::format
