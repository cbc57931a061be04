#include "record/resume.h"

#include <sys/stat.h>

#include <optional>

#include "format/recording.h"
#include "format/segment_reader.h"

namespace evtape::record {
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Tail {
  uint64_t last_seq = 0;   // 0: no frame
  int64_t last_time_ns = 0;
  uint64_t first_seq = 1;  // from the metadata
  int64_t created_ns = 0;
  bool sealed = false;
  std::string recording_id;
};

// The file's last modification time (realtime ns), if it can be read.
std::optional<int64_t> ModifiedNs(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// Reads what a segment says about its end: the footer when sealed, else a tolerant scan.
Result<Tail> ReadTail(FileSystem* fs, const std::string& path) {
  Tail t;
  Result<format::Metadata> md = format::ReadMetadata(fs, path);
  if (md.ok()) {
    t.first_seq = md->first_seq;
    t.created_ns = md->created_ns;
    t.recording_id = md->recording_id;
  }
  if (!EndsWith(path, format::kOpenSuffix)) {
    EVTAPE_ASSIGN_OR_RETURN(std::optional<format::Footer> footer, format::ReadFooter(fs, path));
    if (footer) {
      t.sealed = true;
      t.last_seq = footer->frames > 0 ? footer->last_seq : 0;
      t.last_time_ns = footer->last_time_ns;
      for (const auto& g : footer->gaps) t.last_seq = std::max(t.last_seq, g.after_seq);
      return t;
    }
  }
  format::ReaderOptions ro;
  ro.recovery = format::Recovery::kSkipDamage;
  Result<std::unique_ptr<format::SegmentReader>> reader = format::SegmentReader::Open(fs, path, ro);
  if (!reader.ok()) return t;  // not even a header: nothing in it to continue from
  format::Entry e;
  while (true) {
    Result<bool> more = (*reader)->Next(&e);
    if (!more.ok() || !*more) break;
    if (e.kind == format::Entry::Kind::kFrame) {
      t.last_seq = e.frame.seq;
      t.last_time_ns = std::max(t.last_time_ns, e.frame.time_ns);
    } else {
      t.last_seq = std::max(t.last_seq, e.gap.after_seq);
      t.last_time_ns = std::max(t.last_time_ns, e.gap.end_ns);
    }
  }
  if ((*reader)->metadata()) {
    t.first_seq = (*reader)->metadata()->first_seq;
    t.created_ns = (*reader)->metadata()->created_ns;
    t.recording_id = (*reader)->metadata()->recording_id;
  }
  return t;
}

}  // namespace

Result<ResumeInfo> InspectOutput(FileSystem* fs, const std::string& dir, int64_t now_ns) {
  ResumeInfo info;
  EVTAPE_ASSIGN_OR_RETURN(format::DirState state, format::InspectDir(fs, dir));
  if (state == format::DirState::kOther) {
    return Status::InvalidArgument(dir + ": not empty and not an evtape recording");
  }
  if (state != format::DirState::kRecording) return info;
  info.existing = true;
  EVTAPE_ASSIGN_OR_RETURN(info.next_index, format::NextSegmentIndex(fs, dir));
  EVTAPE_ASSIGN_OR_RETURN(std::vector<std::string> segments, format::ListSegments(fs, dir));
  // Seqs only grow along the segments; the last segment that says anything gives the next one.
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    EVTAPE_ASSIGN_OR_RETURN(Tail t, ReadTail(fs, *it));
    if (info.recording_id.empty()) info.recording_id = t.recording_id;
    if (it == segments.rbegin() && !t.sealed) {
      format::Gap g;
      g.reason = format::GapReason::kRestart;
      g.start_ns = t.last_time_ns > 0 ? t.last_time_ns : t.created_ns;
      // Neither a frame nor metadata survived (the crash came right after the file was
      // created): the file's last modification is when the previous run last wrote.
      if (g.start_ns <= 0) g.start_ns = ModifiedNs(*it).value_or(now_ns);
      g.end_ns = std::max(now_ns, g.start_ns);
      g.detail = "recorder restarted after an unclean stop; " + BaseName(*it) + " was not sealed";
      info.restart_gap = g;
    }
    uint64_t next = std::max(t.last_seq + 1, t.first_seq);
    if (next > info.next_seq) info.next_seq = next;
    if (t.last_seq > 0 || t.sealed) break;
  }
  return info;
}

}  // namespace evtape::record
