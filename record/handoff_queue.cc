#include "record/handoff_queue.h"

#include <algorithm>
#include <chrono>

namespace evtape::record {

bool HandoffQueue::PushMessage(nats::MsgPtr msg, uint64_t bytes, int64_t time_ns,
                               int64_t mono_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return false;
  if (held_messages_ + 1 > max_messages_ || held_bytes_ + bytes > max_bytes_) {
    if (episode_count_ == 0) episode_start_ns_ = time_ns;
    episode_end_ns_ = time_ns;
    ++episode_count_;
    ++stats_.dropped;
    lock.unlock();
    msg.reset();  // free outside the lock
    return false;
  }
  if (episode_count_ != 0) EndEpisodeLocked();
  items_.push_back(QueueItem{std::move(msg), time_ns, mono_ns, {}});
  ++held_messages_;
  held_bytes_ += bytes;
  ++stats_.pushed;
  stats_.peak_messages = std::max<uint64_t>(stats_.peak_messages, held_messages_);
  stats_.peak_bytes = std::max(stats_.peak_bytes, held_bytes_);
  // Waking the writer per message costs more than the write (futex + context switch on
  // every message): wake it for a full batch, or for the first item when it is idle.
  bool wake = waiting_ && (items_.size() >= kWakeBatch || wake_on_first_);
  if (wake) waiting_ = false;
  lock.unlock();
  if (wake) cv_.notify_one();
  return true;
}

void HandoffQueue::PushGap(const format::Gap& gap) {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return;
  if (episode_count_ != 0) EndEpisodeLocked();
  QueueItem item;
  item.gap = gap;
  items_.push_back(std::move(item));
  lock.unlock();
  cv_.notify_one();
}

void HandoffQueue::PushGapFront(const format::Gap& gap) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  QueueItem item;
  item.gap = gap;
  items_.insert(items_.begin(), std::move(item));
}

void HandoffQueue::EndEpisodeLocked() {
  QueueItem item;
  item.gap.reason = format::GapReason::kOverflow;
  item.gap.start_ns = episode_start_ns_;
  item.gap.end_ns = episode_end_ns_;
  item.gap.count = episode_count_;
  item.gap.detail = "recorder queue full (writer behind); messages dropped";
  items_.push_back(std::move(item));
  episode_count_ = 0;
}

bool HandoffQueue::PopAll(std::vector<QueueItem>* out, int64_t wait_ns, bool wake_on_first) {
  out->clear();
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [this, wake_on_first] {
    return closed_ || items_.size() >= kWakeBatch || (wake_on_first && !items_.empty());
  };
  if (!ready() && wait_ns != 0) {
    waiting_ = true;
    wake_on_first_ = wake_on_first;
    if (wait_ns < 0) {
      cv_.wait(lock, ready);
    } else {
      cv_.wait_for(lock, std::chrono::nanoseconds(wait_ns), ready);
    }
    waiting_ = false;
  }
  out->swap(items_);
  return !(out->empty() && closed_);
}

void HandoffQueue::Close(int64_t now_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return;
  if (episode_count_ != 0) {
    episode_end_ns_ = std::max(episode_end_ns_, now_ns);
    EndEpisodeLocked();
  }
  closed_ = true;
  lock.unlock();
  cv_.notify_all();
}

void HandoffQueue::Release(uint64_t messages, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  held_messages_ -= std::min<uint64_t>(messages, held_messages_);
  held_bytes_ -= std::min(bytes, held_bytes_);
}

QueueStats HandoffQueue::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

double HandoffQueue::fill() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::max(static_cast<double>(held_messages_) / static_cast<double>(max_messages_),
                  static_cast<double>(held_bytes_) / static_cast<double>(max_bytes_));
}

}  // namespace evtape::record
