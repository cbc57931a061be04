#include "offline/info.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

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

Status Scan(const std::string& path, SegmentInfo* seg, RecordingInfo* info) {
  format::ReaderOptions ro;
  ro.recovery = format::Recovery::kSkipDamage;
  ro.reporter = &info->issues;
  EVTAPE_ASSIGN_OR_RETURN(auto reader,
                          format::SegmentReader::Open(FileSystem::Default(), path, ro));
  seg->scanned = true;
  format::Entry e;
  bool any = false;
  while (true) {
    EVTAPE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) break;
    if (e.kind == format::Entry::Kind::kGap) {
      info->gaps.push_back(e.gap);
      continue;
    }
    const format::FrameView& f = e.frame;
    seg->frames++;
    seg->raw_bytes += f.RawSize();
    seg->first_time_ns = any ? std::min(seg->first_time_ns, f.time_ns) : f.time_ns;
    seg->last_time_ns = any ? std::max(seg->last_time_ns, f.time_ns) : f.time_ns;
    any = true;
    auto it = info->subjects.find(f.subject);
    if (it == info->subjects.end())
      it = info->subjects.emplace(std::string(f.subject), format::SubjectStats()).first;
    it->second.frames++;
    it->second.raw_bytes += f.RawSize();
    info->stats.Add(f);
  }
  if (any) NoteTimes(info, seg->first_time_ns, seg->last_time_ns);
  if (!info->metadata && reader->metadata()) info->metadata = reader->metadata();
  return Status::Ok();
}

}  // namespace

Result<RecordingInfo> CollectInfo(const std::vector<std::string>& segments, bool force_scan) {
  RecordingInfo info;
  FileSystem* fs = FileSystem::Default();
  for (const auto& path : segments) {
    SegmentInfo seg;
    seg.path = path;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Status::FromErrno(path, errno);
    seg.file_bytes = static_cast<uint64_t>(st.st_size);
    std::optional<format::Footer> footer;
    if (!force_scan) {
      EVTAPE_ASSIGN_OR_RETURN(footer, format::ReadFooter(fs, path));
    }
    if (footer) {
      FromFooter(*footer, &seg, &info);
      if (!info.metadata) {
        auto m = format::ReadMetadata(fs, path);
        if (m.ok()) info.metadata = std::move(m).value();
      }
    } else {
      EVTAPE_RETURN_IF_ERROR(Scan(path, &seg, &info));
    }
    info.frames += seg.frames;
    info.raw_bytes += seg.raw_bytes;
    info.file_bytes += seg.file_bytes;
    info.segments.push_back(std::move(seg));
  }
  return info;
}

}  // namespace evtape::offline
