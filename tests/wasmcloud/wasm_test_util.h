// Shared helpers of the wasmCloud tests: fixture locations, reading recordings, counting types.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "format/types.h"

namespace evtape::wasmtest {

inline const std::vector<std::string> kFixtures = {"host-lifecycle", "app-deploy", "failures",
                                                   "provider-flap", "multi-host-rolling",
                                                   "spec-catalogue"};
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

}  // namespace evtape::wasmtest
