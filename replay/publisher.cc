#include "replay/publisher.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "nats/raw_msg.h"

namespace evtape::replay {

// Tracks whether the connection is up and how many accepted messages sit in the reconnect
// buffer (accepted while down, not yet flushed by a reconnect).
class NatsPublisher::Listener : public nats::ConnectionListener {
 public:
  void OnDisconnected() override {
    std::lock_guard lock(mu_);
    down_ = true;
    down_hint_.store(true, std::memory_order_release);
  }
  void OnReconnected() override {
    std::lock_guard lock(mu_);
    down_ = false;
    down_hint_.store(false, std::memory_order_release);
    buffered_ = 0;  // nats.c flushed its reconnect buffer before this callback
    ++reconnects_;
    cv_.notify_all();
  }
  void OnClosed() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  void WaitClosed(int64_t timeout_ns) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [this] { return closed_; });
  }
  // Called after an accepted publish. While connected (every message at --speed max) this is
  // one atomic load, not a lock: down_hint_ always equals down_ outside the lock, so reading it
  // observes down_ at one instant of this call, exactly as taking the lock did.
  void Accepted() {
    if (!down_hint_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mu_);
    if (down_) ++buffered_;
  }
  bool down() {
    std::lock_guard lock(mu_);
    return down_;
  }
  uint64_t buffered() {
    std::lock_guard lock(mu_);
    return buffered_;
  }
  uint64_t reconnects() {
    std::lock_guard lock(mu_);
    return reconnects_;
  }
  // Waits until connected or closed or the timeout; true when connected.
  bool WaitUp(int64_t timeout_ns, const std::atomic<bool>* stop) {
    std::unique_lock lock(mu_);
    const auto end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
    while (down_ && !closed_) {
      if (stop != nullptr && stop->load()) return false;
      if (std::chrono::steady_clock::now() >= end) return false;
      cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
    return !down_ && !closed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool down_ = false, closed_ = false;
  std::atomic<bool> down_hint_{false};  // down_, readable without mu_; written under mu_
  uint64_t buffered_ = 0, reconnects_ = 0;
};

NatsPublisher::~NatsPublisher() {
  if (!conn_) return;
  // nats.c runs the disconnected and closed callbacks asynchronously, even after Destroy:
  // close first and wait for the closed callback so that the listener outlives every call.
  natsConnection_Close(conn_.get());
  listener_->WaitClosed(2'000'000'000);
  conn_.reset();
}

Result<std::unique_ptr<NatsPublisher>> NatsPublisher::Connect(
    const nats::ConnectionOptions& conn, const NatsPublisherSettings& settings) {
  std::unique_ptr<NatsPublisher> p(new NatsPublisher());
  p->settings_ = settings;
  p->listener_ = std::make_unique<Listener>();
  p->url_ = nats::RedactUrl(conn.server.empty() ? nats::DefaultServerUrl() : conn.server);
  nats::ConnectSettings cs;
  cs.send_asap = settings.send_asap;
  cs.reconnect_buffer_bytes = settings.reconnect_buffer_bytes;
  cs.max_reconnect = -1;
  cs.reconnect_wait_ms = 100;
  cs.listener = p->listener_.get();
  if (settings.stop != nullptr) {
    const std::atomic<bool>* stop = settings.stop;
    cs.cancelled = [stop] { return stop->load(); };
  }
  auto c = nats::Connect(conn, cs);
  if (!c.ok()) return c.status();
  p->conn_ = std::move(c).value();
  return p;
}

uint64_t NatsPublisher::reconnects() const { return listener_->reconnects(); }

Status NatsPublisher::PublishOnce(const OutMessage& m, natsStatus* raw) {
  subject_.assign(m.subject);
  *raw = NATS_OK;
  if (m.headers.empty()) {
    const int len = static_cast<int>(m.payload.size());
    if (m.reply.empty()) {
      *raw = natsConnection_Publish(conn_.get(), subject_.c_str(), m.payload.data(), len);
    } else {
      reply_.assign(m.reply);
      *raw = natsConnection_PublishRequest(conn_.get(), subject_.c_str(), reply_.c_str(),
                                           m.payload.data(), len);
    }
  } else {
    auto msg = nats::MakeRawMsg(m.subject, m.reply, m.headers, m.payload);
    if (!msg.ok()) return msg.status();
    *raw = natsConnection_PublishMsg(conn_.get(), msg->get());
  }
  if (*raw == NATS_OK) {
    listener_->Accepted();
    return Status::Ok();
  }
  return nats::FromNats(*raw, "publish to " + subject_);
}

bool NatsPublisher::WaitReconnected(int64_t timeout_ns) {
  return listener_->WaitUp(timeout_ns, settings_.stop);
}

Status NatsPublisher::Publish(const OutMessage& m) {
  natsStatus raw = NATS_OK;
  Status s = PublishOnce(m, &raw);
  if (s.ok()) return s;
  // The reconnect buffer is full (or the connection is in trouble): wait for the server to
  // come back, then try once more. Any other error is final for this message only.
  if (raw == NATS_INSUFFICIENT_BUFFER || raw == NATS_CONNECTION_DISCONNECTED ||
      listener_->down()) {
    if (!WaitReconnected(settings_.outage_timeout_ns)) {
      return Status::Unavailable(url_ + ": server unavailable (" + s.message() + ")");
    }
    s = PublishOnce(m, &raw);
  }
  if (raw == NATS_CONNECTION_CLOSED) return Status::Unavailable(url_ + ": " + s.message());
  return s;
}

Status NatsPublisher::Finish(int64_t timeout_ns, uint64_t* unsent) {
  *unsent = 0;
  const int64_t start = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  if (listener_->down() && !WaitReconnected(timeout_ns)) {
    *unsent = listener_->buffered();
    return Status::Unavailable(url_ + ": server unavailable at the end of the replay");
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  const int64_t left_ms = std::max<int64_t>(1, (timeout_ns - (now - start)) / 1'000'000);
  Status s = nats::FromNats(natsConnection_FlushTimeout(conn_.get(), left_ms),
                            "flush to " + url_);
  if (!s.ok()) *unsent = listener_->buffered();
  return s;
}

}  // namespace evtape::replay
