#include "record/recorder.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "nats/raw_msg.h"
#include "util/units.h"
#include "format/segment_format.h"
#include "record/handoff_queue.h"
#include "record/resume.h"

namespace evtape::record {
namespace {

int64_t Now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Per-message memory beyond the nats.c block: natsMsg struct, malloc and queue item.
constexpr uint64_t kMessageOverhead = 192;

}  // namespace

Recorder::Recorder(RecorderOptions options, FileSystem* fs)
    : options_(std::move(options)), fs_(fs) {}

Recorder::~Recorder() {
  closing_ = true;
  subs_.clear();
  conn_.reset();
}

Status Recorder::Validate() const {
  if (options_.subjects.empty()) return Status::InvalidArgument("--subject: no subjects");
  for (const auto& s : options_.subjects) {
    if (!ValidSubject(s, true)) return Status::InvalidArgument("--subject: invalid subject '" + s + "'");
  }
  if (options_.output_dir.empty()) return Status::InvalidArgument("--output: empty path");
  if (options_.duration_ns < 0) return Status::InvalidArgument("--duration: must not be negative");
  if (options_.flush_interval_ns <= 0) return Status::InvalidArgument("--flush-interval: must be > 0");
  if (options_.max_segment_duration_ns <= 0) {
    return Status::InvalidArgument("--max-segment-duration: must be > 0");
  }
  if (options_.max_segment_bytes < 4096) {
    return Status::InvalidArgument("--max-segment-size: must be at least 4KiB");
  }
  if (options_.queue_max_messages == 0 || options_.queue_max_bytes < (1u << 20)) {
    return Status::InvalidArgument("queue bound: at least 1 message and 1MiB");
  }
  if (options_.zstd_level < -7 || options_.zstd_level > 19) {
    return Status::InvalidArgument("--zstd-level: must be between -7 and 19");
  }
  if (options_.compression_threads < -1 || options_.compression_threads > 64) {
    return Status::InvalidArgument("--compress-threads: must be between 0 and 64");
  }
  return Status::Ok();
}

void Recorder::OnMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* ctx = static_cast<SubContext*>(closure);
  ctx->recorder->HandleMessage(ctx->index, msg);
}

void Recorder::HandleMessage(size_t index, natsMsg* raw) {
  // Stamp first: the receive time should not include our own work.
  const int64_t real_ns = Now(CLOCK_REALTIME);
  const int64_t mono_ns = Now(CLOCK_MONOTONIC);
  nats::MsgPtr msg(raw);
  if (closing_.load(std::memory_order_relaxed)) return;
  const char* subject = natsMsg_GetSubject(raw);
  for (size_t j = 0; j < index; ++j) {
    // An earlier, overlapping subscription delivers this same message too.
    if (SubjectMatches(options_.subjects[j], subject)) {
      duplicates_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  uint64_t n = 0;
  if (options_.count > 0) {
    n = arrived_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (n > options_.count) return;  // past the requested count: not part of the recording
  }
  const char* data = natsMsg_GetData(raw);
  uint64_t bytes = static_cast<uint64_t>(natsMsg_GetDataLength(raw)) + kMessageOverhead;
  // nats.c 3.4 puts subject, reply, headers and payload in one block after the struct.
  if (data > subject) bytes += static_cast<uint64_t>(data - subject);
  last_receive_ns_.store(real_ns, std::memory_order_relaxed);
  queue_->PushMessage(std::move(msg), bytes, real_ns, mono_ns);
  if (n > 0 && n == options_.count) {  // after the push: the queue closes once we signal
    std::lock_guard<std::mutex> lock(mu_);
    count_reached_ = true;
    cv_.notify_all();
  }
}

void Recorder::Log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

void Recorder::OnDisconnected() {
  if (closing_.load()) return;  // the callback nats.c fires while we close the connection
  std::lock_guard<std::mutex> lock(mu_);
  connected_ = false;
  if (in_outage_) return;  // still the same outage (e.g. a reconnect that did not hold)
  Log("disconnected from " + nats::RedactUrl(options_.connection.server) + "; reconnecting");
  in_outage_ = true;
  int64_t now = Now(CLOCK_REALTIME);
  int64_t last = last_receive_ns_.load();
  // Anything lost was sent after the last message we got: start the window there.
  outage_start_ns_ = last > 0 ? std::min(last, now) : now;
}

void Recorder::OnReconnected() {
  if (closing_.load()) return;
  std::lock_guard<std::mutex> lock(mu_);
  connected_ = true;
  if (!in_outage_) return;
  reconnect_pending_ = true;
  cv_.notify_all();
}

// Runs on the Run() thread: a PING/PONG round trip proves the server has our subscriptions
// again, so no message published after `end` can be missing.
void Recorder::FinishReconnect() {
  if (natsConnection_FlushTimeout(conn_.get(), 5000) != NATS_OK) return;  // retried next time
  int64_t end = Now(CLOCK_REALTIME);
  std::lock_guard<std::mutex> lock(mu_);
  if (!in_outage_) return;
  format::Gap g;
  g.reason = format::GapReason::kDisconnect;
  g.start_ns = outage_start_ns_;
  g.end_ns = end;
  g.detail = "disconnected from " + nats::RedactUrl(options_.connection.server) +
             "; messages published in this window were not captured";
  in_outage_ = false;
  ++outages_;
  queue_->PushGap(g);
  Log("reconnected after " + FormatDuration(g.end_ns - g.start_ns) + "; gap recorded");
}

void Recorder::PollDropped() {
  int64_t now = Now(CLOCK_REALTIME);
  for (size_t i = 0; i < subs_.size(); ++i) {
    int64_t dropped = 0;
    if (natsSubscription_GetDropped(subs_[i].get(), &dropped) != NATS_OK) continue;
    if (dropped <= dropped_seen_[i]) continue;
    format::Gap g;
    g.reason = format::GapReason::kSlowConsumer;
    g.start_ns = last_receive_ns_.load();
    g.end_ns = std::max(now, g.start_ns);
    g.count = static_cast<uint64_t>(dropped - dropped_seen_[i]);
    g.detail = "dropped by the NATS client library on " + options_.subjects[i];
    dropped_by_client_ += *g.count;
    dropped_seen_[i] = dropped;
    queue_->PushGap(g);
  }
}

Status Recorder::Subscribe() {
  for (size_t i = 0; i < options_.subjects.size(); ++i) {
    sub_contexts_.push_back(std::make_unique<SubContext>(SubContext{this, i}));
    natsSubscription* sub = nullptr;
    const std::string& subject = options_.subjects[i];
    EVTAPE_RETURN_IF_ERROR(nats::FromNats(
        natsConnection_Subscribe(&sub, conn_.get(), subject.c_str(), &Recorder::OnMessage,
                                 sub_contexts_.back().get()),
        "subscribing to " + subject));
    subs_.emplace_back(sub);
    dropped_seen_.push_back(0);
    // Never let nats.c drop: memory is bounded by our own queue instead.
    EVTAPE_RETURN_IF_ERROR(nats::FromNats(natsSubscription_SetPendingLimits(sub, -1, -1),
                                          "pending limits on " + subject));
  }
  return nats::FromNats(natsConnection_FlushTimeout(conn_.get(), 10000),
                        "confirming subscriptions with " +
                            nats::RedactUrl(options_.connection.server));
}

void Recorder::RequestStop() {
  std::lock_guard<std::mutex> lock(mu_);
  stop_requested_ = true;
  cv_.notify_all();
}

LiveStats Recorder::live() const {
  LiveStats l;
  l.messages = counters_.frames.load();
  l.raw_bytes = counters_.raw_bytes.load();
  l.stored_bytes = counters_.stored_bytes.load();
  l.segments = counters_.segments.load();
  l.gaps = counters_.gaps.load();
  if (queue_) {
    uint64_t pushed = queue_->stats().pushed;
    l.queued = pushed > l.messages ? pushed - l.messages : 0;
  }
  l.connected = connected_.load();
  return l;
}

}  // namespace evtape::record
