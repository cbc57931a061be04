// One run of one scenario: an embedded nats-server (or the shared --server) under a fresh
// lattice id, responders, the observer, the consumer under test, then the fixture's events
// published one at a time with quiescent (or scaled real-time) pacing, and every observed
// message attributed to the event that preceded it.
//
// Quiescent pacing: after each event (and after the consumer is ready, "event 0") the run waits
//  * for the golden's number of reactions to that event when advance_on_expected is set and
//    that number is > 0 (bounded by max_wait), so a passing run does not depend on machine load;
//  * otherwise until nothing was observed for `quiet` (bounded by max_wait).
// Scaled pacing publishes at the recorded offsets divided by the speed, then waits for `quiet`.
//
// Nothing outlives Run(): the consumer's process group and the embedded server are stopped on
// every path. Not thread-safe: one run at a time per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/status.h"
#include "format/types.h"
#include "harness/golden.h"
#include "harness/scenario.h"

namespace evtape::harness {

struct RunSettings {
  std::string server_url;  // empty: start an embedded nats-server for this run
  // Reactions per event from the golden (index = event), or empty (no golden / --update).
  std::vector<size_t> expected_counts;
  std::string work_dir;  // consumer logs go here
};

struct RunResult {
  std::string failure;  // empty when the run completed (the comparison is separate)
  std::string lattice;  // the run's lattice id
  std::vector<Reaction> reactions;
  std::vector<EventInfo> events;
  std::string stderr_tail;  // the consumer's last stderr lines
  std::string stdout_tail;
  int64_t duration_ns = 0;
};

// Loads recordings (directories or segment files) and .jsonl files in replay order (merged by
// receive time, ties in argument order, recorded order kept within each input; gaps dropped).
// Errors name the file (and the line of a malformed JSON line).
Result<std::vector<format::Frame>> LoadFrames(const std::vector<std::string>& paths);

RunResult RunScenarioOnce(const Scenario& s, const std::vector<format::Frame>& frames,
                          const RunSettings& settings);

}  // namespace evtape::harness
