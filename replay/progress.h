// A one-line progress bar on stderr for replays that run longer than a few seconds. Progress
// is the recorded time reached, as a fraction of the recording's time span (from the segment
// footers; without them, counts only). Redrawn at most 4 times a second; cleared by Done().
// Not thread-safe: the replay thread owns it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace evtape::replay {

class Progress {
 public:
  // Disabled (every call a no-op) when `enabled` is false.
  Progress(bool enabled, const std::vector<std::string>& inputs, int64_t first_time_ns,
           uint64_t loops, std::ostream& out);
  void Update(int64_t frame_time_ns, uint64_t pass, uint64_t sent);
  void Done();

 private:
  bool enabled_;
  std::ostream& out_;
  int64_t first_ns_, last_ns_ = 0;  // last_ns_ 0: span unknown
  uint64_t loops_;
  int64_t started_ns_, next_draw_ns_;
  bool drawn_ = false;
  uint32_t calls_ = 0;
};

}  // namespace evtape::replay
