#include "record/subscriber.h"

#include <algorithm>

#include "nats/frame.h"
#include "util/clock.h"
#include "util/units.h"

namespace evtape::record {

Subscriber::Subscriber(SubscriberOptions options, HandoffQueue* queue)
    : options_(std::move(options)), queue_(queue) {}

Subscriber::~Subscriber() {
  closing_ = true;
  subs_.clear();
  conn_.reset();
}

void Subscriber::Log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

std::string Subscriber::Url() const { return nats::RedactUrl(options_.connection.server); }

Status Subscriber::Connect(const std::function<bool()>& cancelled) {
  nats::ConnectSettings settings;
  settings.listener = this;
  settings.single_delivery_thread = true;
  settings.cancelled = cancelled;
  EVTAPE_ASSIGN_OR_RETURN(conn_, nats::Connect(options_.connection, settings));
  return Status::Ok();
}

Result<int64_t> Subscriber::Subscribe() {
  for (size_t i = 0; i < options_.subjects.size(); ++i) {
    contexts_.push_back(std::make_unique<SubContext>(SubContext{this, i}));
    natsSubscription* sub = nullptr;
    const std::string& subject = options_.subjects[i];
    EVTAPE_RETURN_IF_ERROR(nats::FromNats(
        natsConnection_Subscribe(&sub, conn_.get(), subject.c_str(), &Subscriber::OnMessage,
                                 contexts_.back().get()),
        "subscribing to " + subject));
    subs_.emplace_back(sub);
    dropped_seen_.push_back(0);
    // Never let nats.c drop: memory is bounded by our own queue instead.
    EVTAPE_RETURN_IF_ERROR(nats::FromNats(natsSubscription_SetPendingLimits(sub, -1, -1),
                                          "pending limits on " + subject));
  }
  // The PONG comes after the server processed every SUB before it.
  EVTAPE_RETURN_IF_ERROR(nats::FromNats(natsConnection_FlushTimeout(conn_.get(), 10000),
                                        "confirming subscriptions with " + Url()));
  return RealtimeNs();
}

void Subscriber::OnMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* ctx = static_cast<SubContext*>(closure);
  ctx->self->HandleMessage(ctx->index, msg);
}

void Subscriber::HandleMessage(size_t index, natsMsg* raw) {
  // Stamp first: the receive time should not include our own work.
  const int64_t real_ns = RealtimeNs();
  const int64_t mono_ns = MonotonicNs();
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
  last_receive_ns_.store(real_ns, std::memory_order_relaxed);
  const uint64_t bytes = nats::MessageMemory(raw);
  queue_->PushMessage(std::move(msg), bytes, real_ns, mono_ns);
  if (n > 0 && n == options_.count) {  // after the push: the queue closes once we signal
    count_reached_ = true;
    if (options_.wake) options_.wake();
  }
}

void Subscriber::OnDisconnected() {
  if (closing_.load()) return;  // the callback nats.c fires while we close the connection
  std::lock_guard<std::mutex> lock(mu_);
  connected_ = false;
  if (in_outage_) return;  // still the same outage (e.g. a reconnect that did not hold)
  Log("disconnected from " + Url() + "; reconnecting");
  in_outage_ = true;
  const int64_t now = RealtimeNs();
  const int64_t last = last_receive_ns_.load();
  // Anything lost was sent after the last message we got: start the window there.
  outage_start_ns_ = last > 0 ? std::min(last, now) : now;
}

void Subscriber::OnReconnected() {
  if (closing_.load()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connected_ = true;
    if (!in_outage_) return;
    reconnect_pending_ = true;
  }
  if (options_.wake) options_.wake();
}

// On the run thread: a PING/PONG round trip proves the server has our subscriptions again, so
// no message published after `end` can be missing.
void Subscriber::FinishReconnect() {
  if (natsConnection_FlushTimeout(conn_.get(), 5000) != NATS_OK) return;  // retried next time
  const int64_t end = RealtimeNs();
  std::lock_guard<std::mutex> lock(mu_);
  reconnect_pending_ = false;
  if (!in_outage_) return;
  format::Gap g;
  g.reason = format::GapReason::kDisconnect;
  g.start_ns = outage_start_ns_;
  g.end_ns = std::max(end, g.start_ns);
  g.detail = "disconnected from " + Url() + "; messages published in this window were not captured";
  in_outage_ = false;
  ++outages_;
  queue_->PushGap(g);
  Log("reconnected after " + FormatDuration(g.end_ns - g.start_ns) + "; gap recorded");
}

void Subscriber::PollDropped() {
  const int64_t now = RealtimeNs();
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
    dropped_seen_[i] = dropped;
    {
      std::lock_guard<std::mutex> lock(mu_);
      dropped_by_client_ += *g.count;
    }
    queue_->PushGap(g);
  }
}

void Subscriber::Service() {
  bool reconnect = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reconnect = reconnect_pending_;
  }
  if (reconnect) FinishReconnect();
  PollDropped();
}

void Subscriber::Stop(bool drain, int64_t drain_timeout_ms) {
  if (drain && !count_reached_ && connected_.load()) {
    // Unsubscribe at the server, then let nats.c deliver what it already holds.
    for (auto& sub : subs_) natsSubscription_Drain(sub.get());
    for (auto& sub : subs_) natsSubscription_WaitForDrainCompletion(sub.get(), drain_timeout_ms);
  }
  PollDropped();
  closing_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (in_outage_) {
      format::Gap g;
      g.reason = format::GapReason::kDisconnect;
      g.start_ns = outage_start_ns_;
      g.end_ns = std::max(RealtimeNs(), g.start_ns);
      g.detail = "recording stopped while disconnected from " + Url();
      in_outage_ = false;
      ++outages_;
      queue_->PushGap(g);
    }
  }
  subs_.clear();
  conn_.reset();
}

void Subscriber::Contribute(RecorderStats* s) const {
  std::lock_guard<std::mutex> lock(mu_);
  s->dropped_by_client = dropped_by_client_;
  s->outages = outages_;
  s->duplicates_skipped = duplicates_.load();
  s->connected = connected_.load();
}

}  // namespace evtape::record
