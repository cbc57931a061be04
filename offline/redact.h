// `evtape redact` without a command line, shared with `evtape bundle` (which redacts by
// default): two passes over the inputs with a wasmcloud::redact::Redactor (collect, then
// rewrite), writing a new recording whose metadata has no server URL or host name.
//
// The inputs must be one recording's segments or JSON lines files (sequence numbers are kept,
// so they must rise); standard input cannot be read twice. Errors: InvalidArgument "the inputs
// are not one recording ..."; read errors (naming the file: a damaged input should go through
// `evtape recover` first) and write errors; on error the output is removed
// (RecordingWriter::Abort). Issues the readers report (a torn tail) go to `log`.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "offline/common.h"
#include "wasmcloud/redact_map.h"

namespace evtape::offline {

struct RedactResult {
  uint64_t frames = 0;
  size_t identifiers = 0;  // distinct originals replaced
};

// The default rules with a rules file's additions (`--rules FILE`, redact_map.h's JSON) when
// `path` is not empty. Errors: NotFound (cannot open), InvalidArgument (not valid JSON, a bad
// pointer), both starting "--rules FILE".
Result<wasmcloud::redact::RuleSet> LoadRedactRules(const std::string& path);

Result<RedactResult> RedactRecording(const std::vector<std::string>& inputs,
                                     const std::string& out_dir, wasmcloud::redact::RuleSet rules,
                                     uint64_t seed, IssueLog* log);

}  // namespace evtape::offline
