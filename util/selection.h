// Selection: which frames of a recording a verb works on (cat, slice, replay, ...).
//
//   --subject F   NATS subject filter, wildcards `*` and `>` (repeatable: any of them)
//   payload       an optional PayloadFilter supplied by a layer that understands payloads
//                 (wasmcloud's CloudEvent --type filter): Selection itself is payload-agnostic
//   --from T      time selector (util/units.h TimeSpec): "90s" from the recording start, or
//   --to T        an absolute RFC 3339 time. The window is half-open: from <= time < to.
//   --limit N     at most N frames (only when the verb asks for it)
//
// Life cycle: parse (ParseSelection, or tools/flags SelectionFromOptions), then Resolve(start)
// with the input's start time (its first frame's receive time: format::PeekedSource reads up to
// it) once it is known, then Matches() per frame.
// A selection whose times are all absolute (or absent) is resolved at parse time. Matches on an
// unresolved selection treats relative bounds as offsets from 0 (i.e. ignores the recording
// start), so call Resolve first. Matches is const and thread-safe when the payload filter is.

#pragma once

#include <memory>
#include <string_view>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "util/units.h"
#include "format/types.h"

namespace evtape {

// A predicate on a frame's payload bytes. Implementations must be thread-safe for concurrent
// Matches calls (use thread-local scratch space).
class PayloadFilter {
 public:
  virtual ~PayloadFilter() = default;
  virtual bool Matches(std::string_view payload) const = 0;
};

struct SelectionArgs;
class Selection;
Result<Selection> ParseSelection(const SelectionArgs& args);

class Selection {
 public:
  std::vector<std::string> subjects;  // empty: every subject
  std::shared_ptr<const PayloadFilter> payload;  // null: every payload
  std::optional<TimeSpec> from, to;
  std::optional<uint64_t> limit;  // frames; only set by verbs that offer --limit

  // True when nothing is filtered (no subject, type or time bound; limit aside).
  bool SelectsAll() const { return subjects.empty() && !payload && !from && !to; }
  bool NeedsStart() const { return (from && !from->absolute) || (to && !to->absolute); }
  bool resolved() const { return resolved_; }
  // Fixes relative --from/--to against the recording start (first frame's receive time).
  void Resolve(int64_t start_ns);
  int64_t from_ns() const { return from_ns_; }
  int64_t to_ns() const { return to_ns_; }  // exclusive

  // Time window and subject only (no payload look-up).
  bool MatchesCheap(const format::FrameView& frame) const;
  // Every criterion.
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
  std::vector<std::string> subjects;
  std::optional<std::string> from, to, limit;
};

// Validates; errors are InvalidArgument naming the option ("--from: '5x' is not ...").
Result<Selection> ParseSelection(const SelectionArgs& args);

}  // namespace evtape
