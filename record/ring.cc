#include "record/ring.h"

#include <sys/stat.h>

#include <algorithm>

#include "format/recording.h"
#include "format/segment_format.h"
#include "format/segment_reader.h"
#include "util/units.h"

namespace evtape::record {
namespace {

// Segments per window: the ring holds between the window and one to two segments more.
constexpr int64_t kSegmentsPerWindow = 25;

struct FileInfo {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

FileInfo Stat(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<uint64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

}  // namespace

bool AddRingWindow(std::string_view text, RingOptions* ring) {
  if (auto d = ParseDurationNs(text)) {
    if (*d <= 0 || ring->window_ns > 0) return false;
    ring->window_ns = *d;
    return true;
  }
  if (text.empty() || text.back() != 'B') return false;  // "30M" could be meant as minutes
  auto b = ParseByteSize(text);
  if (!b || *b == 0 || ring->window_bytes > 0) return false;
  ring->window_bytes = *b;
  return true;
}

Status SegmentLimitsForRing(const RingOptions& ring, bool explicit_bytes, bool explicit_duration,
                            uint64_t* max_bytes, int64_t* max_duration_ns) {
  if (ring.window_bytes > 0) {
    if (explicit_bytes && *max_bytes > ring.window_bytes) {
      return Status::InvalidArgument("--max-segment-size " + FormatBytes(*max_bytes) +
                                     " is larger than the ring (" +
                                     FormatBytes(ring.window_bytes) + ")");
    }
    const uint64_t part = std::max<uint64_t>(ring.window_bytes / kSegmentsPerWindow, 1);
    if (!explicit_bytes) *max_bytes = std::min(*max_bytes, part);
  }
  if (ring.window_ns > 0) {
    if (explicit_duration && *max_duration_ns > ring.window_ns) {
      return Status::InvalidArgument("--max-segment-duration " + FormatDuration(*max_duration_ns) +
                                     " is longer than the ring (" +
                                     FormatDuration(ring.window_ns) + ")");
    }
    const int64_t part = std::max<int64_t>(ring.window_ns / kSegmentsPerWindow, 1'000'000);
    if (!explicit_duration) {
      *max_duration_ns = *max_duration_ns > 0 ? std::min(*max_duration_ns, part) : part;
    }
  }
  return Status::Ok();
}

Ring::Ring(FileSystem* fs, std::string dir, RingOptions options, Compactor* compactor,
           std::function<int64_t()> clock)
    : fs_(fs), dir_(std::move(dir)), options_(options), compactor_(compactor),
      clock_(std::move(clock)) {}

Result<std::unique_ptr<Ring>> Ring::Open(FileSystem* fs, std::string dir, RingOptions options,
                                         Compactor* compactor, const std::string& open_path,
                                         std::function<int64_t()> clock) {
  std::unique_ptr<Ring> r(new Ring(fs, std::move(dir), options, compactor, std::move(clock)));
  EVTAPE_ASSIGN_OR_RETURN(auto state, format::ReadRingState(fs, r->dir_));
  if (state) r->state_ = *state;
  r->state_.window_ns = options.window_ns;
  r->state_.window_bytes = options.window_bytes;
  if (auto paths = format::ListSegments(fs, r->dir_); paths.ok()) {
    for (const auto& p : *paths) {
      if (p != open_path && p != open_path + format::kOpenSuffix) {
        r->segments_.push_back(r->Describe(p));
      }
    }
  }
  if (!r->segments_.empty()) r->kept_from_ns_ = r->segments_.front().first_ns;
  return r;
}

// Times and counts from the footer. A segment without frames, or without a footer (a
// .seg.open a crash left), gets its file's modification time: never earlier than its real
// first frame, so the ring keeps more rather than less.
Ring::Segment Ring::Describe(const std::string& path) const {
  Segment s;
  s.path = path;
  s.index = static_cast<uint32_t>(
      std::max<int64_t>(0, format::SegmentIndexOf(path.substr(path.find_last_of('/') + 1))));
  auto footer = format::ReadFooter(fs_, path);
  if (footer.ok() && footer->has_value()) {
    const format::Footer& f = **footer;
    s.sealed = true;
    s.frames = f.frames;
    s.last_seq = f.last_seq;
    s.first_ns = f.first_time_ns;
    s.last_ns = f.last_time_ns;
  }
  if (s.frames == 0) s.first_ns = s.last_ns = Stat(path).mtime_ns;
  return s;
}

Status Ring::OnSealed(const std::string& path) {
  segments_.push_back(Describe(path));
  if (segments_.size() == 1) {
    std::lock_guard lock(mu_);
    kept_from_ns_ = segments_.front().first_ns;
  }
  Status s = Trim();
  if (!s.ok()) {
    std::lock_guard lock(mu_);
    last_error_ = s;
  }
  return s;
}

bool Ring::Expired(int64_t now) const {
  if (segments_.size() < 2) return false;  // S1 must exist: the open segment is not counted
  if (options_.window_ns > 0 && now - segments_[1].first_ns >= options_.window_ns) return true;
  if (options_.window_bytes > 0) {
    uint64_t rest = 0;
    for (size_t i = 1; i < segments_.size(); ++i) rest += Stat(segments_[i].path).size;
    if (rest >= options_.window_bytes) return true;
  }
  return false;
}

Status Ring::Trim() {
  const int64_t now = clock_();
  bool deleted = false;
  Status status;
  while (Expired(now)) {
    const Segment& s = segments_.front();
    if (compactor_ != nullptr && !compactor_->Withdraw(s.path)) break;  // next time
    const uint64_t size = Stat(s.path).size;
    status = fs_->Remove(s.path);
    if (!status.ok()) break;
    {
      std::lock_guard lock(mu_);
      state_.deleted_segments++;
      state_.deleted_frames += s.frames;
      state_.deleted_bytes += size;
      state_.deleted_through_index = std::max(state_.deleted_through_index, s.index);
      if (s.last_seq > 0) state_.deleted_through_seq = s.last_seq;
      state_.deleted_through_ns = std::max(state_.deleted_through_ns, s.last_ns);
      kept_from_ns_ = segments_[1].first_ns;
    }
    segments_.erase(segments_.begin());
    deleted = true;
  }
  if (deleted) {
    Status w = format::WriteRingState(fs_, dir_, state());
    if (status.ok()) status = w;
  }
  return status;
}

format::RingState Ring::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

Status Ring::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

int64_t Ring::kept_from_ns() const {
  std::lock_guard lock(mu_);
  return kept_from_ns_;
}

}  // namespace evtape::record
