// Lint rules for one NATS message against the wasmCloud 1.x lattice event wire format
// (docs/wasmcloud-events.md). Rule ids are stable (tests and --json users rely on
// them); docs/wasmcloud.md lists them all.
//
// Pure functions, thread-safe, no exceptions: any payload bytes (binary, huge, hostile) give
// findings, never a crash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evtape::wasmcloud::lint {

enum class Severity { kError, kWarning };
const char* SeverityName(Severity s);

struct Finding {
  std::string rule;  // e.g. "envelope-id"
  Severity severity = Severity::kError;
  std::string message;
};

// One rule: its id, severity and what it checks (for --help and the docs).
struct RuleInfo {
  const char* id;
  Severity severity;
  const char* what;
};
const std::vector<RuleInfo>& AllRules();

// True for `wasmbus.evt.` subjects: the only ones lint checks; every other subject is skipped.
bool IsLatticeSubject(std::string_view subject);

// Checks one message on a lattice subject; appends findings to *out.
void LintMessage(std::string_view subject, std::string_view reply, std::string_view headers,
                 std::string_view payload, std::vector<Finding>* out);

}  // namespace evtape::wasmcloud::lint
