#include "fuzz/read_util.h"

#include "fuzz/fuzz_util.h"

namespace evtape::fuzz {
namespace {

Item Own(const format::Entry& e) {
  if (e.kind == format::Entry::Kind::kGap) return e.gap;
  return format::Frame::From(e.frame);
}

bool SameStats(const format::ReadStats& a, const format::ReadStats& b) {
  return a.frames == b.frames && a.gaps == b.gaps && a.chunks == b.chunks &&
         a.issues == b.issues && a.bytes_dropped == b.bytes_dropped &&
         a.frames_lost == b.frames_lost && a.frames_lost_unknown == b.frames_lost_unknown &&
         a.torn_tail == b.torn_tail && a.corruption == b.corruption && a.sealed == b.sealed;
}

}  // namespace

size_t ReadOutcome::frames() const {
  size_t n = 0;
  for (const auto& i : items) n += std::holds_alternative<format::Frame>(i) ? 1 : 0;
  return n;
}

ReadOutcome ReadSegment(FileSystem* fs, const std::string& path, format::Recovery recovery,
                        ReadMode mode) {
  ReadOutcome r;
  CountingReporter reporter;
  format::ReaderOptions options;
  options.recovery = recovery;
  options.reporter = &reporter;
  auto reader = format::SegmentReader::Open(fs, path, options);
  if (!reader.ok()) {
    r.status = reader.status();
    r.issues = reporter.count;
    return r;
  }
  format::Entry e;
  format::EntryBatch batch;
  while (true) {
    Result<bool> more = false;
    if (mode == ReadMode::kNext) {
      more = (*reader)->Next(&e);
      if (more.ok() && *more) r.items.push_back(Own(e));
    } else {
      batch.Clear();
      more = (*reader)->NextBatch(&batch);
      FUZZ_CHECK(more.ok() && *more ? !batch.entries.empty() : batch.entries.empty());
      for (const auto& be : batch.entries) r.items.push_back(Own(be));
    }
    if (!more.ok()) {
      r.status = more.status();
      break;
    }
    if (!*more) {
      // Once at the end, a reader stays there.
      auto again = (*reader)->Next(&e);
      FUZZ_CHECK(again.ok() && !*again);
      break;
    }
  }
  r.stats = (*reader)->stats();
  r.issues = reporter.count;
  return r;
}

ReadOutcome ReadSource(format::FrameSource* source) {
  ReadOutcome r;
  format::Entry e;
  while (true) {
    auto more = source->Next(&e);
    if (!more.ok()) {
      r.status = more.status();
      break;
    }
    if (!*more) break;
    r.items.push_back(Own(e));
  }
  r.stats = source->stats();
  return r;
}

void CheckCounts(const ReadOutcome& r) {
  FUZZ_CHECK(r.stats.frames == r.frames());
  FUZZ_CHECK(r.stats.gaps == r.items.size() - r.frames());
  FUZZ_CHECK(r.stats.issues == r.issues);
  FUZZ_CHECK(r.stats.bytes_dropped == 0 || r.stats.issues > 0);
  FUZZ_CHECK(r.stats.frames_lost == 0 || r.stats.issues > 0);
}

void CheckPrefix(const ReadOutcome& a, const ReadOutcome& b) {
  FUZZ_CHECK(a.items.size() <= b.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) FUZZ_CHECK(a.items[i] == b.items[i]);
}

void CheckSame(const ReadOutcome& a, const ReadOutcome& b) {
  FUZZ_CHECK(a.items == b.items);
  FUZZ_CHECK(a.status.ok() == b.status.ok());
  FUZZ_CHECK(SameStats(a.stats, b.stats));
}

}  // namespace evtape::fuzz
