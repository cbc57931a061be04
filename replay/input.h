// Replay input: the recordings and JSON lines files of a replay, opened with jsonl::OpenInputs
// as one source merged by receive time (format::MergedSource: on equal times the input named
// first goes first; within one input the recorded order is always kept), with replay's read
// choices:
//  * a torn tail is normal (reported, not an error); mid-file corruption ends the read with a
//    Corruption error unless skip_corrupt, in which case damaged chunks are skipped and reported;
//  * every record's stored bytes are checked, but not each zstd chunk's content a second time;
//  * on machines with 4+ cores each recording is decoded one chunk ahead on its own thread
//    (format::ReadAheadReader), else on the caller's thread.
// Issues reach `reporter` on the caller's thread, from inside Next(); gaps are entries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/frame_source.h"

namespace evtape::replay {

// Errors: those of jsonl::OpenInputs (missing input, "-" twice, ...).
Result<std::unique_ptr<format::FrameSource>> OpenReplayInput(const std::vector<std::string>& inputs,
                                                             bool skip_corrupt,
                                                             format::Reporter* reporter);

}  // namespace evtape::replay
