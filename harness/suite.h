// One scenario of `evtape test`, start to verdict: loads its fixtures and golden file, runs it
// `repeat` times against a fresh server (embedded, or `server` under a fresh lattice id),
// normalises the reactions, compares them with the golden file and with run 1, or writes the
// golden file when updating. The command line around it is tools/verb_test.cc.
//
// Threads: call from one thread; each run supervises its consumer and server itself.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "harness/report.h"
#include "harness/scenario.h"

namespace evtape::harness {

struct SuiteSettings {
  bool update = false;  // write the golden files instead of comparing
  uint64_t repeat = 1;  // runs per scenario; they must agree
  std::string server;   // empty: an embedded nats-server per run
};

// Runs `scenario`; never throws. A failure's reason is one line, its detail holds the diff by
// triggering event, the consumer's stderr tail and the command that re-runs just this scenario.
// With `update`, prints "golden PATH: created|updated|unchanged (N reactions)" to `out`.
ScenarioOutcome RunScenario(const Scenario& scenario, const SuiteSettings& settings,
                            std::ostream& out);

}  // namespace evtape::harness
