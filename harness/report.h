// Results of `evtape test` scenarios and their JUnit XML form.
// Pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/status.h"

namespace evtape::harness {

struct ScenarioOutcome {
  std::string name, path;
  bool passed = false;
  std::string reason;  // one line, when failed
  std::string detail;  // diff, consumer output, re-run command (multi-line), when failed
  int64_t duration_ns = 0;
};

// JUnit XML (one <testsuite name="evtape test">, one <testcase> per scenario, a <failure> with
// the reason as message and the detail as text). IOError naming the file on failure.
Status WriteJunit(const std::string& path, const std::vector<ScenarioOutcome>& outcomes);

// XML text escaping (&, <, >, ", ' and control characters other than \t \n \r dropped).
std::string XmlEscape(const std::string& s);

// `evtape test ...` quoting for a shell: words with anything but [A-Za-z0-9_./:=@%+-] quoted.
std::string ShellQuote(const std::string& word);

}  // namespace evtape::harness
