#include "record/compactor.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format/segment_reader.h"

namespace evtape::record {
namespace {

// SCHED_IDLE runs this thread only when a CPU has nothing else to do (else nice 19); normal
// scheduling again when the recorder stops and waits for it.
void SetIdlePriority(bool idle) {
  sched_param param{};
  if (::pthread_setschedparam(::pthread_self(), idle ? SCHED_IDLE : SCHED_OTHER, &param) != 0) {
    (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), idle ? 19 : 0);
  }
}

uint64_t RawBytes(FileSystem* fs, const std::string& path) {
  auto footer = format::ReadFooter(fs, path);
  return footer.ok() && footer->has_value() ? (**footer).raw_bytes : UINT64_MAX;
}

}  // namespace

Compactor::Compactor(FileSystem* fs, format::CompactOptions options)
    : fs_(fs), options_(options) {
  options_.cancel = &cancel_;
  thread_ = std::thread([this] { Loop(); });
}

Compactor::~Compactor() {
  cancel_ = true;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Compactor::Enqueue(const std::string& sealed_path, bool own) {
  {
    std::lock_guard lock(mu_);
    queue_.emplace_back(sealed_path, own);
  }
  cv_.notify_all();
}

void Compactor::CompactOne(const std::string& path, bool own) {
  auto r = format::CompactSegment(fs_, path, options_);
  std::lock_guard lock(mu_);
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kCancelled) {
      ++stats_.left;
    } else {
      stats_.last_error = r.status();
    }
  } else if (r->compacted) {
    ++stats_.compacted;
    if (own) {
      stats_.bytes_before += r->bytes_before;
      stats_.bytes_after += r->bytes_after;
    }
  } else {
    ++stats_.skipped;
  }
}

void Compactor::Loop() {
  bool idle = true;
  SetIdlePriority(true);
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping with nothing left
    auto [path, own] = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    current_path_ = path;
    lock.unlock();
    const uint64_t raw = RawBytes(fs_, path);
    lock.lock();
    current_raw_ = raw;
    const uint64_t limit = finish_limit_;
    lock.unlock();
    if (idle && boost_) SetIdlePriority(idle = false);
    if (cancel_ || raw > limit) {
      std::lock_guard l(mu_);
      ++stats_.left;
    } else {
      CompactOne(path, own);
    }
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

bool Compactor::Withdraw(const std::string& path) {
  std::lock_guard lock(mu_);
  if (busy_ && current_path_ == path) return false;
  std::erase_if(queue_, [&path](const auto& item) { return item.first == path; });
  return true;
}

void Compactor::Finish(uint64_t max_raw_bytes) {
  boost_ = true;
  std::unique_lock lock(mu_);
  finish_limit_ = max_raw_bytes;
  if (busy_ && current_raw_ > max_raw_bytes) cancel_ = true;  // too big to wait for
  stop_ = true;  // the worker ends once the queue is empty
  cv_.notify_all();
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

CompactorStats Compactor::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace evtape::record
