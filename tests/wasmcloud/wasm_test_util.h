// Shared helpers of the wasmCloud tests: fixture locations, reading recordings, counting types.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "format/types.h"

namespace evtape::wasmtest {

inline const std::vector<std::string> kFixtures = {"host-lifecycle",     "app-deploy",
                                                   "failures",           "provider-flap",
                                                   "multi-host-rolling", "spec-catalogue"};
inline std::string FixtureRecording(const std::string& name) {
  return std::string(EVTAPE_FIXTURES_BUILD_DIR) + "/" + name;
}
inline std::string FixtureSource(const std::string& name) {
  return std::string(EVTAPE_FIXTURES_SOURCE_DIR) + "/" + name + ".jsonl";
}

// Every frame of a recording, in order (REQUIREs a clean read).
std::vector<format::Frame> ReadFrames(const std::string& rec);
// Event name (type without com.wasmcloud.lattice.) -> count.
std::map<std::string, int> CountTypes(const std::vector<format::Frame>& frames);
// All bytes of every file in a directory, concatenated in name order.
std::string ReadAllBytes(const std::string& dir);
// CHECKs what lint cannot see because it needs the whole stream (reference §1.2, §3, §5):
// 9-digit times with real nanosecond digits, ids carrying their event's millisecond, receive
// times in order and after `time`, heartbeats at 30 s multiples of their host's start with the
// uptime to match and the inventory the events before them describe (no `limits` from 1.8
// hosts), health checks 5 s + k x 30 s after their provider started with passed/failed only on
// a change. Every frame must be a lattice event whose host started in the stream.
void CheckLatticeStream(const std::vector<format::Frame>& frames);

}  // namespace evtape::wasmtest
