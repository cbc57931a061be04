#include "record/background.h"

#include <chrono>

#include "util/clock.h"

namespace evtape::record {

BackgroundRecorder::BackgroundRecorder(RecorderOptions options, FileSystem* fs) {
  options.on_ready = [this] {
    std::lock_guard lock(mu_);
    ready_ = true;
    cv_.notify_all();
  };
  recorder_ = std::make_unique<Recorder>(std::move(options), fs);
}

BackgroundRecorder::~BackgroundRecorder() {
  if (thread_.joinable()) (void)Stop();
}

Status BackgroundRecorder::Start() {
  thread_ = std::thread([this] {
    auto r = std::make_unique<Result<RecorderSummary>>(recorder_->Run());
    std::lock_guard lock(mu_);
    result_ = std::move(r);
    done_ = true;
    cv_.notify_all();
  });
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return ready_ || done_; });
  if (!done_) return Status::Ok();
  if (!result_->ok()) return result_->status();
  return (*result_)->status.ok() ? Status::Unavailable("the recorder ended before it was live")
                                 : (*result_)->status;
}

bool BackgroundRecorder::WaitFor(uint64_t n, int64_t timeout_ns) {
  const int64_t end = MonotonicNs() + timeout_ns;
  for (;;) {
    RecorderStats s = recorder_->live();
    if (s.messages + s.queued >= n) return true;
    if (MonotonicNs() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<RecorderSummary> BackgroundRecorder::Stop() {
  recorder_->RequestStop();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return *result_;
}

}  // namespace evtape::record
