// `evtape redact` without its command line: two passes over one recording (or JSON lines
// file). The first collects every identifier (payloads, subjects, replies, headers, gap details
// and the metadata's subscriptions) so that replacements are consistent; the second writes the
// rewritten recording with seqs, times and order kept. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/status.h"
#include "offline/common.h"
#include "wasmcloud/redact_map.h"

namespace evtape::offline {

// The default rules with a JSON rules file applied ({"add": [...], "drop": [...]}); `path`
// empty: the defaults. NotFound when the file cannot be opened, InvalidArgument (naming
// "--rules PATH") when it is not valid JSON or not valid rules.
Result<wasmcloud::redact::RuleSet> LoadRedactRules(const std::string& path);

struct RedactSummary {
  uint64_t frames = 0;       // written
  uint64_t identifiers = 0;  // distinct identifiers replaced
};

// Redacts `inputs` (one recording's segments, or one .jsonl file; not stdin) into a new
// recording at `out_dir` (offline output rules: nothing is left on failure). Read problems go
// to `log` (the caller maps them to exit 3). Errors: I/O naming the file, Corruption (suggests
// 'evtape recover'), InvalidArgument when the inputs are not one recording (seqs go back).
Result<RedactSummary> RedactRecording(const std::vector<std::string>& inputs,
                                      const std::string& out_dir, wasmcloud::redact::RuleSet rules,
                                      uint64_t seed, IssueLog* log);

}  // namespace evtape::offline
