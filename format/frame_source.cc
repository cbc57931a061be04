#include "format/frame_source.h"

#include <algorithm>
#include <utility>

namespace evtape::format {

void AddReadStats(ReadStats* total, const ReadStats& part) {
  total->frames += part.frames;
  total->gaps += part.gaps;
  total->chunks += part.chunks;
  total->issues += part.issues;
  total->bytes_dropped += part.bytes_dropped;
  total->frames_lost += part.frames_lost;
  total->frames_lost_unknown = total->frames_lost_unknown || part.frames_lost_unknown;
  total->torn_tail = total->torn_tail || part.torn_tail;
  total->corruption = total->corruption || part.corruption;
  total->sealed = total->sealed && part.sealed;
}

ConcatSource::ConcatSource(std::vector<std::unique_ptr<FrameSource>> sources)
    : sources_(std::move(sources)) {}

Result<bool> ConcatSource::Next(Entry* entry) {
  for (; current_ < sources_.size(); ++current_) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, sources_[current_]->Next(entry));
    if (more) return true;
    if (current_ + 1 == sources_.size()) break;  // stay on the last one for name()
  }
  return false;
}

const std::string& ConcatSource::name() const {
  static const std::string kNone;
  if (sources_.empty()) return kNone;
  return sources_[std::min(current_, sources_.size() - 1)]->name();
}

ReadStats ConcatSource::stats() const {
  ReadStats total;
  total.sealed = true;
  for (const auto& s : sources_) AddReadStats(&total, s->stats());
  return total;
}

Result<std::unique_ptr<PeekedSource>> PeekedSource::Open(std::unique_ptr<FrameSource> source) {
  std::unique_ptr<PeekedSource> p(new PeekedSource(std::move(source)));
  while (true) {
    Held held;
    EVTAPE_ASSIGN_OR_RETURN(bool more, p->source_->Next(&held.entry));
    if (!more) {
      p->ended_ = true;
      break;
    }
    held.name = p->source_->name();
    const bool frame = held.entry.kind == Entry::Kind::kFrame;
    if (frame) p->first_time_ns_ = held.entry.frame.time_ns;
    p->held_.push_back(std::move(held));
    if (frame) break;
  }
  return p;
}

Result<bool> PeekedSource::Next(Entry* entry) {
  if (passing_) return source_->Next(entry);  // the common case: one test, then the source
  if (next_held_ < held_.size()) {
    *entry = held_[next_held_++].entry;
    return true;
  }
  if (ended_) return false;
  held_.clear();  // its last entry's views die with the source's next read
  next_held_ = 0;
  passing_ = true;
  return source_->Next(entry);
}

const std::string& PeekedSource::name() const {
  if (next_held_ > 0 && next_held_ <= held_.size()) return held_[next_held_ - 1].name;
  return source_->name();
}

}  // namespace evtape::format
