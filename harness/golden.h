// What the consumer did, normalised for comparison, and the golden files that hold it.
//
// A reaction is one message the consumer published (or a request it sent) on an observed
// subject, attributed to the replayed event that preceded it (event 0: after start, before the
// first event). Normalisation, in this order: the run's lattice id becomes `<lattice>` in
// subjects and strings; payload members at the `ignore` JSON pointers are removed; whole strings
// (object keys and values, and each subject token) that are ULID/UUID ids, nkeys, RFC 3339 times
// or `_INBOX.` subjects become `<id:N>`, `<nkey:N>`, `<time:N>`, `<inbox:N>`, numbered per kind
// by first appearance so that "the same id twice" is still compared.
//
// Order modes: the golden is kept in a canonical order and compared exactly after sorting by
// (event) for strict, (event, subject) for per-subject, (event, whole line with placeholder
// numbers stripped) for set; placeholders are numbered after sorting, so numbering does not
// depend on arrival order between subjects (per-subject) or at all (set).
//
// A golden line: {"event":N,"trigger":SUBJECT,"subject":S[,"reply":R][,"headers":[[k,v]..]]
// ,"payload":JSON | "payload_text":STRING | "payload_b64":BASE64}. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/status.h"
#include "harness/scenario.h"

namespace evtape::harness {

struct Reaction {
  uint64_t event = 0;
  std::string subject, reply, headers, payload;
};

// The replayed event a reaction can be attributed to (index i-1 for event i), for golden lines
// and diffs: its published subject and, when it is a CloudEvent, its type and id.
struct EventInfo {
  std::string subject, type, id;
};

struct NormalizeOptions {
  std::string lattice;  // the run's lattice id (replaced by <lattice>)
  std::vector<std::string> ignore;
  bool ids = true, nkeys = true, times = true, inboxes = true;
  OrderMode order = OrderMode::kStrict;
};

// Normalised golden lines (compact JSON, no newline) in canonical order.
std::vector<std::string> NormalizeReactions(const std::vector<Reaction>& reactions,
                                            const std::vector<EventInfo>& events,
                                            const NormalizeOptions& options);

// Reads a golden file: NotFound when missing; InvalidArgument "FILE line N: expected ..." when
// a line is not a golden line. Lines come back re-serialised and in canonical order.
Result<std::vector<std::string>> ReadGolden(const std::string& path, OrderMode order);
// Canonical order of golden lines (see above).
void SortGolden(std::vector<std::string>* lines, OrderMode order);

// Writes the lines (atomically: temp file + rename). *what is "created", "updated" or
// "unchanged" (nothing written).
Status WriteGolden(const std::string& path, const std::vector<std::string>& lines,
                   std::string* what);

// A readable diff of two line lists, grouped by the triggering event, with per-field
// differences (JSON pointer, both values) for messages on the same subject. Empty when equal.
// `events` gives the triggering events' details; labels name the sides ("expected", "actual").
std::string DiffReactions(const std::vector<std::string>& expected,
                          const std::vector<std::string>& actual,
                          const std::vector<EventInfo>& events, const std::string& lattice,
                          const char* expected_label, const char* actual_label);

// The number of golden lines attributed to each event (index = event), sized events + 1.
std::vector<size_t> CountPerEvent(const std::vector<std::string>& lines, size_t events);

}  // namespace evtape::harness
