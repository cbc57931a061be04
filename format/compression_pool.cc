#include "format/compression_pool.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace evtape::format {

CompressionPool::CompressionPool(int threads, int zstd_level, bool background_priority) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    workers_.emplace_back([this, zstd_level, background_priority] {
      WorkerLoop(zstd_level, background_priority);
    });
  }
}

CompressionPool::~CompressionPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void CompressionPool::WorkerLoop(int zstd_level, bool background_priority) {
  if (background_priority) {
    // Best effort, Linux: SCHED_IDLE runs this thread only when a CPU has nothing else to do
    // (any other thread that wakes up preempts it at once); else nice 19.
    sched_param param{};
    if (::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &param) != 0) {
      (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19);
    }
  }
  ChunkCompressor compressor(zstd_level);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stop_ || (!paused_ && !todo_.empty()); });
    if (stop_) return;
    JobPtr job = std::move(todo_.front());
    todo_.pop_front();
    if (job->state != Job::State::kQueued) continue;  // taken back before it started
    job->state = Job::State::kRunning;
    lock.unlock();
    // Only this thread writes job->body while the job is kRunning; the writer reads only
    // job->chunk (and writes the reserved header bytes of chunk.buf, which we do not read).
    bool ok = compressor.Compress(job->chunk, &job->body);
    lock.lock();
    if (job->state == Job::State::kRunning) {
      job->compressed = ok;
      job->tried = true;
      job->state = Job::State::kDone;
    }
    job.reset();  // under the lock, so that Recycle's use_count check is reliable
    done_cv_.notify_all();
  }
}

CompressionPool::JobPtr CompressionPool::NewJob() {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < free_.size(); ++i) {
    if (free_[i].use_count() != 1) continue;  // a worker still holds it
    JobPtr job = std::move(free_[i]);
    free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
    job->compressed = job->tried = false;
    job->frames_before = 0;
    job->state = Job::State::kQueued;
    return job;
  }
  return std::make_shared<Job>();
}

void CompressionPool::Submit(JobPtr job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    job->state = Job::State::kQueued;
    order_.push_back(job);
    todo_.push_back(std::move(job));
  }
  work_cv_.notify_one();
}

size_t CompressionPool::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return order_.size();
}

CompressionPool::JobPtr CompressionPool::TakeFrontIfDone() {
  std::lock_guard<std::mutex> lock(mu_);
  if (order_.empty() || order_.front()->state != Job::State::kDone) return nullptr;
  JobPtr job = std::move(order_.front());
  order_.pop_front();
  job->state = Job::State::kTaken;
  return job;
}

CompressionPool::JobPtr CompressionPool::TakeFront(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  JobPtr job = order_.front();
  auto finished = [&job] { return job->state == Job::State::kDone; };
  if (deadline == Clock::time_point::max()) {
    done_cv_.wait(lock, finished);
  } else {
    done_cv_.wait_until(lock, deadline, finished);
  }
  order_.pop_front();
  // Queued: a worker will skip it. Running: the worker drops its result (tried stays false).
  job->state = Job::State::kTaken;
  return job;
}

void CompressionPool::DiscardPending() {
  std::lock_guard<std::mutex> lock(mu_);
  for (JobPtr& job : order_) job->state = Job::State::kTaken;  // workers skip or drop them
  order_.clear();
}

void CompressionPool::Recycle(JobPtr job) {
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: more free jobs than workers plus a few would only hold memory.
  if (free_.size() < workers_.size() + 8) free_.push_back(std::move(job));
}

void CompressionPool::PauseForTesting(bool paused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = paused;
  }
  work_cv_.notify_all();
}

}  // namespace evtape::format
