#include "format/recording.h"

#include <sys/stat.h>

#include <algorithm>

#include "format/bundle.h"

namespace evtape::format {
namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

int64_t SegmentIndexOf(const std::string& name) {
  std::string_view n = name;
  if (n.size() > 5 && n.substr(n.size() - 5) == kOpenSuffix) n.remove_suffix(5);
  if (n.size() != 10 || n.substr(6) != kSegmentSuffix) return -1;
  int64_t v = 0;
  for (char c : n.substr(0, 6)) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool IsCompactionTemp(const std::string& name) {
  const std::string_view suffix = kCompactingSuffix;
  return name.size() > suffix.size() && name.ends_with(suffix) &&
         SegmentIndexOf(name.substr(0, name.size() - suffix.size())) >= 0;
}

std::string SegmentPath(const std::string& dir, uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "%06u%s", index, kSegmentSuffix);
  return JoinPath(dir, name);
}

Result<std::vector<std::string>> ListSegments(FileSystem* fs, const std::string& path) {
  if (!IsDirectory(path)) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Status::NotFound(path + ": no such file or directory");
    if (IsBundle(path)) return BundleSegmentPaths(path);  // read in place, like a directory
    return std::vector<std::string>{path};
  }
  EVTAPE_ASSIGN_OR_RETURN(auto names, fs->ListDir(path));
  std::vector<std::pair<int64_t, std::string>> found;
  for (const auto& name : names) {
    int64_t idx = SegmentIndexOf(name);
    if (idx >= 0) found.emplace_back(idx, name);
  }
  if (found.empty()) return Status::InvalidArgument(path + ": no evtape segments in directory");
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [idx, name] : found) out.push_back(JoinPath(path, name));
  return out;
}

Result<std::vector<std::string>> ListSegments(FileSystem* fs,
                                              const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    EVTAPE_ASSIGN_OR_RETURN(auto segs, ListSegments(fs, p));
    out.insert(out.end(), segs.begin(), segs.end());
  }
  return out;
}

Result<DirState> InspectDir(FileSystem* fs, const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return DirState::kMissing;
  if (!S_ISDIR(st.st_mode)) return DirState::kOther;
  EVTAPE_ASSIGN_OR_RETURN(auto names, fs->ListDir(dir));
  bool segments = false;
  for (const auto& n : names) {
    if (SegmentIndexOf(n) >= 0) {
      segments = true;
    } else if (!IsCompactionTemp(n) && n != kLockFileName &&
               n != kRingStateFileName && n != kRingStateFileName + std::string(".tmp")) {
      return DirState::kOther;
    }
  }
  // Only a lock or a compaction leftover: a recording directory with nothing in it yet.
  return segments ? DirState::kRecording : DirState::kEmpty;
}

Result<uint32_t> NextSegmentIndex(FileSystem* fs, const std::string& dir) {
  EVTAPE_ASSIGN_OR_RETURN(DirState state, InspectDir(fs, dir));
  if (state != DirState::kRecording) return 1u;
  EVTAPE_ASSIGN_OR_RETURN(auto names, fs->ListDir(dir));
  int64_t max = 0;
  for (const auto& n : names) max = std::max(max, SegmentIndexOf(n));
  if (max >= 999999) return Status::InvalidArgument(dir + ": segment index space exhausted");
  return static_cast<uint32_t>(max + 1);
}

Result<std::unique_ptr<RecordingReader>> RecordingReader::Open(
    FileSystem* fs, const std::vector<std::string>& inputs, const ReaderOptions& options) {
  EVTAPE_ASSIGN_OR_RETURN(auto segments, ListSegments(fs, inputs));
  std::string name;
  for (const auto& in : inputs) {
    if (!name.empty()) name += ' ';
    name += in;
  }
  return std::unique_ptr<RecordingReader>(
      new RecordingReader(fs, std::move(name), std::move(segments), options));
}

// Reads from the current segment, moving on to the next one at its end.
template <typename ReadFn>
Result<bool> RecordingReader::Read(ReadFn read) {
  while (true) {
    if (reader_) {  // null after a segment the ring deleted (OpenListed)
      EVTAPE_ASSIGN_OR_RETURN(bool more, read(reader_.get()));
      if (more) return true;
      AddReadStats(&done_stats_, reader_->stats());
      reader_.reset();
    }
    if (next_segment_ >= segments_.size()) return false;
    EVTAPE_ASSIGN_OR_RETURN(reader_, OpenListed(segments_[next_segment_++]));
  }
}

// A recording read while it is written changes under the reader: the open segment listed as
// NNNNNN.seg.open may be sealed (renamed to NNNNNN.seg) by now, and a ring recorder
// (ring_state.h) may have deleted its oldest segments since they were listed. Those are read
// under their new name or skipped (null reader); any other missing file is an error.
Result<std::unique_ptr<SegmentReader>> RecordingReader::OpenListed(const std::string& path) {
  auto r = SegmentReader::Open(fs_, path, options_);
  if (r.ok() || r.status().code() != Status::Code::kNotFound) return r;
  const std::string suffix = kOpenSuffix;
  if (path.ends_with(suffix)) {
    auto sealed = SegmentReader::Open(fs_, path.substr(0, path.size() - suffix.size()), options_);
    if (sealed.ok() || sealed.status().code() != Status::Code::kNotFound) return sealed;
  }
  if (fs_->NewRandomAccessFile(JoinPath(DirName(path), kRingStateFileName)).ok()) {
    return std::unique_ptr<SegmentReader>();  // deleted by the ring: not a loss
  }
  return r;
}

Result<bool> RecordingReader::Next(Entry* entry) {
  return Read([entry](SegmentReader* r) { return r->Next(entry); });
}

Result<bool> RecordingReader::NextBatch(EntryBatch* batch) {
  return Read([batch](SegmentReader* r) { return r->NextBatch(batch); });
}

ReadStats RecordingReader::stats() const {
  ReadStats s = done_stats_;
  if (reader_) AddReadStats(&s, reader_->stats());
  return s;
}

RecordingReader::RecordingReader(FileSystem* fs, std::string name,
                                 std::vector<std::string> segments, const ReaderOptions& o)
    : fs_(fs), name_(std::move(name)), segments_(std::move(segments)), options_(o) {
  done_stats_.sealed = true;  // AddStats clears it at the first unsealed segment
}

}  // namespace evtape::format
