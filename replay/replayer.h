// The replay run: reads the merged input (recordings and JSON lines files), selects, rewrites
// and schedules each message and hands it to a Publisher (or prints the schedule for
// --dry-run), then reports.
//
// Determinism: for the same inputs and options the sequence of messages, their bytes and
// their schedule offsets are identical on every run (rewrites must depend only on their options and the
// pinned --shift-time anchor). Ordering: recorded order within an input, merged by time across
// inputs (see input.h).
//
// Not thread-safe: Run() is called once, on one thread. RequestStop (via the stop flag) may be
// set from a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "util/selection.h"
#include "util/payload_rewriter.h"
#include "replay/publisher.h"
#include "replay/schedule.h"
#include "replay/subject_map.h"

namespace evtape::replay {

struct ReplayOptions {
  std::vector<std::string> inputs;
  Pace pace;
  Selection selection;
  std::optional<uint64_t> count;  // at most this many messages in total
  SubjectMap map;
  RewriterFactory rewriter;  // empty: payloads go out as recorded
  std::optional<int64_t> shift_anchor_ns;  // --shift-time=T; default: the wall clock at start
  uint64_t loops = 1;                      // 0 = forever
  int64_t loop_delay_ns = 0;
  bool skip_corrupt = false;
  bool dry_run = false;
  int64_t flush_timeout_ns = 30'000'000'000;
  bool progress = false;  // a progress line on stderr (TTY only; decided by the caller)
};

struct ReplayStats {
  uint64_t messages = 0;       // published (accepted) or, for --dry-run, scheduled
  uint64_t bytes = 0;          // subject + reply + headers + payload of those
  uint64_t filtered = 0;       // frames not selected
  uint64_t failed = 0;         // publish calls that failed (not sent)
  uint64_t unsent_buffered = 0;  // accepted into the reconnect buffer, never delivered
  uint64_t abandoned = 0;      // never attempted because the replay stopped on an outage
  uint64_t rewritten = 0;
  uint64_t passes = 0;
  uint64_t gaps = 0;
  std::optional<uint64_t> gap_messages;  // lost messages over all gaps, when all counts known
  uint64_t corrupt_issues = 0;  // damaged regions skipped (--skip-corrupt)
  uint64_t skipped_frames = 0;  // frames lost in them (known counts)
  bool skipped_unknown = false;
  uint64_t torn_tails = 0;
  int64_t duration_ns = 0;
  int64_t schedule_ns = 0;   // the scheduled duration (offset of the last message)
  int64_t recorded_ns = 0;   // recorded time covered at 1x (gaps capped), summed over passes
  int64_t drift_ns = 0;      // how late the last message went out
  LatencyHistogram lateness;
  bool interrupted = false;
  bool outage = false;       // stopped because the server stayed away
  std::string outage_message;
  uint64_t not_sent() const { return failed + unsent_buffered + abandoned; }
};

// Diagnostics (torn tails, skipped damage, gaps) go to `diag` as they happen, one line each.
// Dry run: schedule lines "OFFSET_SECONDS SUBJECT SIZE" to `out`; `publisher` may be null.
// Errors (returned): input cannot be opened, corruption in strict mode, a malformed JSON line,
// I/O errors. Publish failures are not errors: they are counted in the stats. Inputs are read
// once per pass (loops reopen them), so "-" (stdin) only makes sense with loops == 1.
Result<ReplayStats> RunReplay(const ReplayOptions& options, Publisher* publisher, Clock* clock,
                              const std::atomic<bool>* stop, std::ostream& out,
                              std::ostream& diag);

// The end-of-run report: human text (several lines; one line for a dry run) and JSON.
std::string FormatReport(const ReplayOptions& options, const ReplayStats& stats);
nlohmann::json ReportJson(const ReplayOptions& options, const ReplayStats& stats);
// ReportJson written to `path` atomically; IOError naming the path.
Status WriteReportFile(const std::string& path, const ReplayOptions& options,
                       const ReplayStats& stats);

}  // namespace evtape::replay
