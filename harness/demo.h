// The round trip `evtape demo` shows: record wasmbus.evt.> with the Recorder of `evtape record`
// while replaying a fixture into the same server at full speed, then check that every replayed
// message came back byte-identical and in order. The command line around it (server start,
// output directory, what is printed at the end) is tools/verb_demo.cc.
//
// Threads: call from one thread; the recorder runs on a thread of its own meanwhile.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "format/status.h"

namespace evtape::harness {

// Records into `out_dir` (new) from `server_url` while replaying `fixture` (any recording or
// .jsonl input) into it; the replay starts once the subscription is live, so nothing can be
// missed. Progress lines go to `out`, the replay report to `diag`. Returns the number of
// messages replayed. Errors: the server or the recording directory, naming it.
Result<uint64_t> RecordWhileReplaying(const std::string& fixture, const std::string& out_dir,
                                      const std::string& server_url, std::ostream& out,
                                      std::ostream& diag);

// OK when `got` holds exactly the frames of `want` (subject, reply, headers, payload), in
// order; otherwise a Corruption "mismatch: N replayed, M captured, first difference at message
// K". Errors reading either side are returned as they are.
Status CompareCaptured(const std::string& want, const std::string& got);

}  // namespace evtape::harness
