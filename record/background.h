// BackgroundRecorder: a Recorder running on a thread of its own, for programs that record
// while they do something else (the demo replays a fixture into what it records). Start()
// returns once the subscriptions are confirmed live, so nothing published afterwards can be
// missed.
//
// Threads: Start/WaitFor/Stop from one owning thread; the recorder runs on its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "record/recorder.h"

namespace evtape::record {

class BackgroundRecorder {
 public:
  // options.on_ready is taken over (set by this class). `fs` must outlive this object.
  explicit BackgroundRecorder(RecorderOptions options, FileSystem* fs = FileSystem::Default());
  // Stops the recorder if it still runs.
  ~BackgroundRecorder();
  BackgroundRecorder(const BackgroundRecorder&) = delete;
  BackgroundRecorder& operator=(const BackgroundRecorder&) = delete;

  // Starts recording; returns once live, or the error that ended the run before it was.
  Status Start();
  // Waits, at most timeout_ns, until n messages have been received (written or queued).
  // True when they have.
  bool WaitFor(uint64_t n, int64_t timeout_ns);
  // Stops (drains, seals) and returns the summary, or the error that ended the run.
  Result<RecorderSummary> Stop();
  RecorderStats live() const { return recorder_->live(); }

 private:
  std::unique_ptr<Recorder> recorder_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false, done_ = false;
  std::unique_ptr<Result<RecorderSummary>> result_;  // set when done_
};

}  // namespace evtape::record
