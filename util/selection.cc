#include "util/selection.h"

#include <algorithm>
#include <charconv>

#include "format/types.h"

namespace evtape {

void Selection::Resolve(int64_t start_ns) {
  from_ns_ = from ? from->Resolve(start_ns) : std::numeric_limits<int64_t>::min();
  to_ns_ = to ? to->Resolve(start_ns) : std::numeric_limits<int64_t>::max();
  resolved_ = true;
}

bool Selection::MatchesCheap(const format::FrameView& frame) const {
  if (frame.time_ns < from_ns_ || frame.time_ns >= to_ns_) return false;
  if (subjects.empty()) return true;
  return std::any_of(subjects.begin(), subjects.end(),
                     [&](const std::string& f) { return SubjectMatches(f, frame.subject); });
}

bool Selection::Matches(const format::FrameView& frame) const {
  return MatchesCheap(frame) && (!payload || payload->Matches(frame.payload));
}

bool Selection::MatchesGap(const format::Gap& gap) const {
  // A gap [start, end] overlaps [from, to) unless it ends before from or starts at/after to.
  return !(gap.end_ns < from_ns_ || gap.start_ns >= to_ns_);
}

Result<Selection> ParseSelection(const SelectionArgs& args) {
  Selection sel;
  for (const auto& s : args.subjects) {
    if (!ValidSubject(s, /*allow_wildcards=*/true)) {
      return Status::InvalidArgument("--subject: '" + s + "' is not a valid NATS subject filter");
    }
    sel.subjects.push_back(s);
  }
  if (args.from) {
    sel.from = ParseTimeSpec(*args.from);
    if (!sel.from) {
      return Status::InvalidArgument("--from: '" + *args.from +
                                     "' is neither a duration (90s, 5m) nor an RFC 3339 time");
    }
  }
  if (args.to) {
    sel.to = ParseTimeSpec(*args.to);
    if (!sel.to) {
      return Status::InvalidArgument("--to: '" + *args.to +
                                     "' is neither a duration (90s, 5m) nor an RFC 3339 time");
    }
  }
  if (sel.from && sel.to && sel.from->absolute == sel.to->absolute && sel.to->ns <= sel.from->ns) {
    return Status::InvalidArgument("--to: the window is empty (--to is not after --from)");
  }
  if (args.limit) {
    uint64_t n = 0;
    const std::string& l = *args.limit;
    auto [ptr, ec] = std::from_chars(l.data(), l.data() + l.size(), n);
    if (ec != std::errc() || ptr != l.data() + l.size() || l.empty()) {
      return Status::InvalidArgument("--limit: '" + l + "' is not a non-negative integer");
    }
    sel.limit = n;
  }
  // Provisional bounds; a relative bound stays unresolved until the recording start is known.
  sel.Resolve(0);
  sel.resolved_ = !sel.NeedsStart();
  return sel;
}

}  // namespace evtape
