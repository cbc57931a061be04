#include "replay/progress.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "format/recording.h"

namespace evtape::replay {
namespace {

constexpr int64_t kShowAfterNs = 2'000'000'000;
constexpr int64_t kRedrawNs = 250'000'000;

int64_t MonoNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

Progress::Progress(bool enabled, const std::vector<std::string>& inputs, int64_t first_time_ns,
                   uint64_t loops, std::ostream& out)
    : enabled_(enabled), out_(out), first_ns_(first_time_ns), loops_(loops) {
  started_ns_ = MonoNs();
  next_draw_ns_ = started_ns_ + kShowAfterNs;
  if (!enabled_) return;
  FileSystem* fs = FileSystem::Default();
  auto segments = format::ListSegments(fs, inputs);
  if (!segments.ok()) return;
  int64_t last = 0;
  for (const std::string& seg : *segments) {
    auto footer = format::ReadFooter(fs, seg);
    if (!footer.ok() || !footer->has_value()) return;  // unsealed: span unknown
    last = std::max(last, (*footer)->last_time_ns);
  }
  last_ns_ = last;
}

void Progress::Update(int64_t frame_time_ns, uint64_t pass, uint64_t sent) {
  if (!enabled_ || (++calls_ & 63u) != 0) return;
  const int64_t now = MonoNs();
  if (now < next_draw_ns_) return;
  next_draw_ns_ = now + kRedrawNs;
  char line[160];
  const double elapsed = static_cast<double>(now - started_ns_) / 1e9;
  std::string loop = loops_ == 1 ? "" : " pass " + std::to_string(pass + 1);
  if (last_ns_ > first_ns_) {
    double frac = static_cast<double>(frame_time_ns - first_ns_) /
                  static_cast<double>(last_ns_ - first_ns_);
    frac = std::clamp(frac, 0.0, 1.0);
    const int width = 30;
    const int fill = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(fill), '#');
    bar.append(static_cast<size_t>(width - fill), '.');
    std::snprintf(line, sizeof line, "\r[%s] %5.1f%%%s  %llu msgs  %.1f s ", bar.c_str(),
                  frac * 100, loop.c_str(), static_cast<unsigned long long>(sent), elapsed);
  } else {
    std::snprintf(line, sizeof line, "\rreplay:%s %llu msgs  %.1f s ", loop.c_str(),
                  static_cast<unsigned long long>(sent), elapsed);
  }
  out_ << line << std::flush;
  drawn_ = true;
}

void Progress::Done() {
  if (drawn_) out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace evtape::replay
