#include "offline/info.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "jsonl/input.h"
#include "jsonl/jsonl_source.h"

namespace evtape::offline {
namespace {

void NoteTimes(RecordingInfo* info, int64_t first, int64_t last) {
  info->first_time_ns = info->first_time_ns ? std::min(*info->first_time_ns, first) : first;
  info->last_time_ns = info->last_time_ns ? std::max(*info->last_time_ns, last) : last;
}

void AddChunks(const std::vector<format::ChunkIndexEntry>& chunks, ChunkSummary* c) {
  c->indexed_segments++;
  for (const auto& e : chunks) {
    bool first = c->count == 0;
    c->count++;
    c->frames += e.frame_count;
    c->raw_bytes += e.raw_bytes;
    c->stored_bytes += e.stored_bytes;
    c->min_stored = first ? e.stored_bytes : std::min(c->min_stored, e.stored_bytes);
    c->max_stored = std::max(c->max_stored, e.stored_bytes);
    c->min_frames = first ? e.frame_count : std::min(c->min_frames, e.frame_count);
    c->max_frames = std::max(c->max_frames, e.frame_count);
  }
}

void FromFooter(const format::Footer& f, SegmentInfo* seg, RecordingInfo* info) {
  seg->sealed = true;
  seg->frames = f.frames;
  seg->raw_bytes = f.raw_bytes;
  seg->first_time_ns = f.first_time_ns;
  seg->last_time_ns = f.last_time_ns;
  if (f.frames > 0) NoteTimes(info, f.first_time_ns, f.last_time_ns);
  for (const auto& [subject, s] : f.subjects) {
    auto& into = info->subjects[subject];
    into.frames += s.frames;
    into.raw_bytes += s.raw_bytes;
  }
  info->subjects_truncated = info->subjects_truncated || f.subjects_truncated;
  AddChunks(f.chunks, &info->chunks);
  info->gaps.insert(info->gaps.end(), f.gaps.begin(), f.gaps.end());
  seg->stats_in_footer = info->stats.MergeJson(f.extra).ok();
  if (!seg->stats_in_footer && f.frames > 0) info->segments_without_stats++;
}

// What a scan counts for every frame, whatever it is read from.
void CountFrame(const format::FrameView& f, RecordingInfo* info) {
  auto it = info->subjects.find(f.subject);
  if (it == info->subjects.end())
    it = info->subjects.emplace(std::string(f.subject), format::SubjectStats()).first;
  it->second.frames++;
  it->second.raw_bytes += f.RawSize();
  info->stats.Add(f);
}

// The earliest and latest receive times seen.
struct Span {
  bool any = false;
  int64_t first = 0, last = 0;
  void Add(int64_t t) {
    first = any ? std::min(first, t) : t;
    last = any ? std::max(last, t) : t;
    any = true;
  }
};

Status Scan(const std::string& path, SegmentInfo* seg, RecordingInfo* info) {
  format::ReaderOptions ro;
  ro.recovery = format::Recovery::kSkipDamage;
  ro.reporter = &info->issues;
  EVTAPE_ASSIGN_OR_RETURN(auto reader,
                          format::SegmentReader::Open(FileSystem::Default(), path, ro));
  seg->scanned = true;
  format::Entry e;
  Span span;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kGap) {
      info->gaps.push_back(e.gap);
      continue;
    }
    seg->frames++;
    seg->raw_bytes += e.frame.RawSize();
    span.Add(e.frame.time_ns);
    CountFrame(e.frame, info);
  }
  seg->first_time_ns = span.first;
  seg->last_time_ns = span.last;
  if (span.any) NoteTimes(info, span.first, span.last);
  if (!info->metadata && reader->metadata()) info->metadata = reader->metadata();
  return Status::Ok();
}

Status ScanJsonl(const std::string& path, RecordingInfo* info) {
  EVTAPE_ASSIGN_OR_RETURN(auto source, jsonl::JsonlSource::Open(path));
  JsonlInfo file;
  file.path = source->name();
  format::Entry e;
  Span span;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, source->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kGap) {
      file.gaps++;
      info->gaps.push_back(e.gap);
      continue;
    }
    file.frames++;
    file.raw_bytes += e.frame.RawSize();
    span.Add(e.frame.time_ns);
    CountFrame(e.frame, info);
  }
  file.lines = source->lines();
  if (span.any) NoteTimes(info, span.first, span.last);
  info->frames += file.frames;
  info->raw_bytes += file.raw_bytes;
  info->jsonl.push_back(std::move(file));
  return Status::Ok();
}

Status CollectSegment(const std::string& path, bool force_scan, RecordingInfo* info) {
  FileSystem* fs = FileSystem::Default();
  SegmentInfo seg;
  seg.path = path;
  {  // through the file seam, which also opens a segment inside a bundle (format/bundle.h)
    EVTAPE_ASSIGN_OR_RETURN(auto file, fs->NewRandomAccessFile(path));
    EVTAPE_ASSIGN_OR_RETURN(seg.file_bytes, file->Size());
  }
  std::optional<format::Footer> footer;
  if (!force_scan) {
    EVTAPE_ASSIGN_OR_RETURN(footer, format::ReadFooter(fs, path));
  }
  if (footer) {
    FromFooter(*footer, &seg, info);
    if (!info->metadata) {
      auto m = format::ReadMetadata(fs, path);
      if (m.ok()) info->metadata = std::move(m).value();
    }
  } else {
    EVTAPE_RETURN_IF_ERROR(Scan(path, &seg, info));
  }
  info->frames += seg.frames;
  info->raw_bytes += seg.raw_bytes;
  info->file_bytes += seg.file_bytes;
  info->segments.push_back(std::move(seg));
  return Status::Ok();
}

}  // namespace

Result<RecordingInfo> CollectInfo(const std::vector<std::string>& inputs, bool force_scan) {
  RecordingInfo info;
  for (const auto& input : inputs) {
    if (jsonl::IsJsonlInput(input)) {
      EVTAPE_RETURN_IF_ERROR(ScanJsonl(input, &info));
      continue;
    }
    EVTAPE_ASSIGN_OR_RETURN(auto segments, format::ListSegments(FileSystem::Default(), input));
    if (!info.ring && (segments.size() != 1 || segments[0] != input)) {  // a directory
      EVTAPE_ASSIGN_OR_RETURN(info.ring, format::ReadRingState(FileSystem::Default(), input));
    }
    for (const auto& path : segments) {
      EVTAPE_RETURN_IF_ERROR(CollectSegment(path, force_scan, &info));
    }
  }
  return info;
}

}  // namespace evtape::offline
