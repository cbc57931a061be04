#include "format/merged_source.h"

#include <utility>

namespace evtape::format {
namespace {

int64_t TimeOf(const Entry& e) {
  return e.kind == Entry::Kind::kFrame ? e.frame.time_ns : e.gap.start_ns;
}

}  // namespace

MergedSource::MergedSource(std::vector<std::unique_ptr<FrameSource>> sources)
    : sources_(std::move(sources)), heads_(sources_.size()) {}

Status MergedSource::Advance(size_t i) {
  EVTAPE_ASSIGN_OR_RETURN(heads_[i].has, sources_[i]->Next(&heads_[i].entry));
  return Status::Ok();
}

Result<bool> MergedSource::Fail(Status s) {
  error_ = std::move(s);
  return error_;
}

Result<bool> MergedSource::Next(Entry* entry) {
  if (sources_.size() == 1) return sources_[0]->Next(entry);  // nothing to merge: no copy
  if (!error_.ok()) return error_;
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (Status s = Advance(i); !s.ok()) return Fail(std::move(s));
    }
  } else if (advance_last_) {
    advance_last_ = false;
    if (Status s = Advance(last_); !s.ok()) return Fail(std::move(s));
  }
  size_t best = heads_.size();
  for (size_t i = 0; i < heads_.size(); ++i) {
    if (!heads_[i].has) continue;
    // Strictly earlier only: on a tie the source given first wins.
    if (best == heads_.size() || TimeOf(heads_[i].entry) < TimeOf(heads_[best].entry)) best = i;
  }
  if (best == heads_.size()) return false;
  // The head is read again (overwritten) before anything else looks at it: move, not copy.
  *entry = std::move(heads_[best].entry);
  last_ = best;
  advance_last_ = true;
  return true;
}

const std::string& MergedSource::name() const {
  static const std::string kNone;
  return sources_.empty() ? kNone : sources_[last_]->name();
}

ReadStats MergedSource::stats() const {
  ReadStats total;
  total.sealed = true;
  for (const auto& s : sources_) AddReadStats(&total, s->stats());
  return total;
}

}  // namespace evtape::format
