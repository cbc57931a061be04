// Compactor: compacts the recorder's sealed segments in the background (format/compact.h), one
// at a time, on a thread at the lowest CPU priority, so that it only takes CPU nothing else
// wants. When the recorder stops, Finish() compacts what is left at normal priority if it is
// small enough to take seconds, and leaves larger segments as they are (readable, just less
// compressed; `evtape merge` recompresses them).
//
// Threads: Enqueue/Finish/stats from the recorder's threads; the worker is internal. Cancel()
// may be called from any thread (a second Ctrl-C).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "format/compact.h"
#include "format/file.h"

namespace evtape::record {

struct CompactorStats {
  uint64_t compacted = 0, skipped = 0, left = 0;  // left: not done when the recorder stopped
  uint64_t bytes_before = 0, bytes_after = 0;     // of the compacted segments of this run
  Status last_error;  // a compaction that failed (the segment is unchanged)
};

class Compactor {
 public:
  Compactor(FileSystem* fs, format::CompactOptions options);
  ~Compactor();  // cancels and joins
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

  // `own`: a segment of this run (its sizes count in the stats), else one an earlier run left.
  void Enqueue(const std::string& sealed_path, bool own);
  // Raises the worker to normal priority and waits until every queued segment whose content
  // is at most max_raw_bytes is done; cancels the rest. The worker stops afterwards.
  void Finish(uint64_t max_raw_bytes);
  void Cancel() { cancel_ = true; }
  // For the ring (record/ring.h), before it deletes a sealed segment: takes `path` out of the
  // queue and returns true, or returns false (the caller keeps the segment for now) when the
  // worker is compacting it at this moment. Never waits for a compaction.
  bool Withdraw(const std::string& path);
  CompactorStats stats() const;

 private:
  void Loop();
  void CompactOne(const std::string& path, bool own);

  FileSystem* fs_;
  format::CompactOptions options_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> boost_{false};  // run at normal priority (finishing)

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, bool>> queue_;  // guarded by mu_: (path, own)
  bool busy_ = false;              // guarded by mu_
  bool stop_ = false;              // guarded by mu_
  uint64_t finish_limit_ = UINT64_MAX;  // guarded by mu_: during Finish, the size limit
  uint64_t current_raw_ = 0;            // guarded by mu_: content of the segment in work
  std::string current_path_;            // guarded by mu_: the segment in work (busy_)
  CompactorStats stats_;           // guarded by mu_
  std::thread thread_;             // last
};

}  // namespace evtape::record
