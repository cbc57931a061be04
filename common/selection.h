// Selection: which frames of a recording a verb works on (cat, slice, replay, ...).
//
//   --subject F   NATS subject filter, wildcards `*` and `>` (repeatable: any of them)
//   --type T      CloudEvent `type` attribute, exact (repeatable: any of them)
//   --from T      time selector (common/units.h TimeSpec): "90s" from the recording start, or
//   --to T        an absolute RFC 3339 time. The window is half-open: from <= time < to.
//   --limit N     at most N frames (only when the verb asks for it)
//
// Life cycle: parse (ParseSelection or the program_options helpers below), then Resolve(start)
// with the recording's start time (RecordingStartNs) once it is known, then Matches() per frame.
// A selection whose times are all absolute (or absent) is resolved at parse time. Matches on an
// unresolved selection treats relative bounds as offsets from 0 (i.e. ignores the recording
// start), so call Resolve first. Matches is const and thread-compatible; it uses an internal
// scratch buffer only through the CloudEventPeek passed by the caller.
//
// The program_options helpers are inline so that only the verbs that use them link
// Boost.program_options (the evtape_common library itself does not).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/cloudevent_peek.h"
#include "common/units.h"
#include "format/file.h"
#include "format/types.h"

namespace evtape {

struct SelectionArgs;
class Selection;
Result<Selection> ParseSelection(const SelectionArgs& args);

class Selection {
 public:
  std::vector<std::string> subjects;  // empty: every subject
  std::vector<std::string> types;     // empty: every payload (CloudEvent or not)
  std::optional<TimeSpec> from, to;
  std::optional<uint64_t> limit;  // frames; only set by verbs that offer --limit

  // True when nothing is filtered (no subject, type or time bound; limit aside).
  bool SelectsAll() const { return subjects.empty() && types.empty() && !from && !to; }
  bool NeedsStart() const { return (from && !from->absolute) || (to && !to->absolute); }
  bool resolved() const { return resolved_; }
  // Fixes relative --from/--to against the recording start (first frame's receive time).
  void Resolve(int64_t start_ns);
  int64_t from_ns() const { return from_ns_; }
  int64_t to_ns() const { return to_ns_; }  // exclusive

  // Time window and subject only (no payload look-up).
  bool MatchesCheap(const format::FrameView& frame) const;
  // Every criterion. `scratch` is reused for the CloudEvent look-up (no allocation per frame).
  bool Matches(const format::FrameView& frame, CloudEventPeek* scratch) const;
  bool Matches(const format::FrameView& frame) const;
  // A gap is kept when its window overlaps the time window (subject and type do not apply).
  bool MatchesGap(const format::Gap& gap) const;

 private:
  friend Result<Selection> ParseSelection(const SelectionArgs& args);
  bool resolved_ = false;
  int64_t from_ns_ = std::numeric_limits<int64_t>::min();
  int64_t to_ns_ = std::numeric_limits<int64_t>::max();
};

// The raw option strings, as typed.
struct SelectionArgs {
  std::vector<std::string> subjects, types;
  std::optional<std::string> from, to, limit;
};

// Validates; errors are InvalidArgument naming the option ("--from: '5x' is not ...").
Result<Selection> ParseSelection(const SelectionArgs& args);

// The start of a recording: the first frame's receive time, from the first segment's footer
// when sealed, else by reading up to the first frame (tolerating damage). nullopt when the
// recording holds no frame. Errors: the first segment cannot be opened.
Result<std::optional<int64_t>> RecordingStartNs(FileSystem* fs,
                                                const std::vector<std::string>& segments);

// ---- Boost.program_options glue (inline; see the note at the top) ----

inline void AddSelectionOptions(boost::program_options::options_description* desc,
                                bool with_limit) {
  namespace po = boost::program_options;
  desc->add_options()("subject", po::value<std::vector<std::string>>()->composing(),
                      "only subjects matching this NATS filter (wildcards * and >; repeatable)")(
      "type", po::value<std::vector<std::string>>()->composing(),
      "only CloudEvents with this exact type attribute (repeatable)")(
      "from", po::value<std::string>(),
      "start of the time window: offset from the recording start (90s, 5m) or RFC 3339 time")(
      "to", po::value<std::string>(), "end of the time window (exclusive), same forms as --from");
  if (with_limit) {
    desc->add_options()("limit", po::value<std::string>(), "at most N frames");
  }
}

inline Result<Selection> SelectionFromOptions(const boost::program_options::variables_map& vm) {
  SelectionArgs a;
  if (vm.count("subject") != 0) a.subjects = vm["subject"].as<std::vector<std::string>>();
  if (vm.count("type") != 0) a.types = vm["type"].as<std::vector<std::string>>();
  if (vm.count("from") != 0) a.from = vm["from"].as<std::string>();
  if (vm.count("to") != 0) a.to = vm["to"].as<std::string>();
  if (vm.count("limit") != 0) a.limit = vm["limit"].as<std::string>();
  return ParseSelection(a);
}

}  // namespace evtape
