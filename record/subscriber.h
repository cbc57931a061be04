// Subscriber: the NATS side of the recorder. Connects, subscribes, stamps every message on
// arrival and hands it to the HandoffQueue; turns every loss it can see into a gap placed in
// the queue where the messages went missing.
//  * Overlapping subscriptions: nats.c delivers a message once per matching subscription; only
//    the first subscription's copy is kept (counted as duplicates_skipped).
//  * Outages: exactly one kDisconnect gap per outage, from the last message received before the
//    loss to the moment a PING/PONG round trip proves the server has our subscriptions again.
//  * Client drops: nats.c's pending limits are switched off; any drop it still reports
//    (GetDropped) becomes a kSlowConsumer gap with the exact count.
//
// Threads: OnMessage and the connection callbacks run on nats.c's threads (all subscriptions
// share one delivery thread, so arrival order across subjects is kept); every other method is
// called from the one thread that runs the recorder. `wake` is called from nats.c threads when
// the run thread has work (a reconnect to confirm, the message count reached).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nats/connection.h"
#include "record/handoff_queue.h"
#include "record/stats.h"

namespace evtape::record {

struct SubscriberOptions {
  std::vector<std::string> subjects;
  uint64_t count = 0;  // stop after this many arrivals (0: no limit)
  nats::ConnectionOptions connection;
  std::function<void(const std::string&)> log;  // thread-safe; may be empty
  std::function<void()> wake;                   // thread-safe; may be empty
};

class Subscriber : private nats::ConnectionListener {
 public:
  // `queue` must outlive the subscriber.
  Subscriber(SubscriberOptions options, HandoffQueue* queue);
  ~Subscriber() override;
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Connects (with --retry-connect until `cancelled` says stop). Nothing is subscribed yet.
  Status Connect(const std::function<bool()>& cancelled);
  // Subscribes to every subject and returns once the server has confirmed them (a flush):
  // from the returned realtime on, no published message can be missed.
  Result<int64_t> Subscribe();
  // The run thread's periodic work: confirms a reconnect (and records its gap), and turns
  // client drops into gaps.
  void Service();
  // Stops: with `drain`, unsubscribes at the server and waits (up to drain_timeout_ms) for
  // nats.c to deliver what it already holds; an outage still open becomes its gap; then the
  // connection closes. No callback reaches the queue afterwards.
  void Stop(bool drain, int64_t drain_timeout_ms);

  bool count_reached() const { return count_reached_.load(); }
  bool connected() const { return connected_.load(); }
  // dropped_by_client, outages, duplicates_skipped, connected.
  void Contribute(RecorderStats* stats) const;

 private:
  struct SubContext {
    Subscriber* self;
    size_t index;
  };
  static void OnMessage(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  void HandleMessage(size_t index, natsMsg* msg);
  void OnDisconnected() override;
  void OnReconnected() override;
  void FinishReconnect();
  void PollDropped();
  void Log(const std::string& message) const;
  std::string Url() const;

  SubscriberOptions options_;
  HandoffQueue* queue_;
  nats::ConnectionPtr conn_;
  std::vector<nats::SubscriptionPtr> subs_;
  std::vector<std::unique_ptr<SubContext>> contexts_;
  std::vector<int64_t> dropped_seen_;

  mutable std::mutex mu_;          // guards the outage state and the counters below
  bool in_outage_ = false;
  bool reconnect_pending_ = false;
  int64_t outage_start_ns_ = 0;
  uint64_t outages_ = 0, dropped_by_client_ = 0;

  std::atomic<bool> closing_{false};
  std::atomic<bool> connected_{true};
  std::atomic<bool> count_reached_{false};
  std::atomic<int64_t> last_receive_ns_{0};
  std::atomic<uint64_t> arrived_{0};
  std::atomic<uint64_t> duplicates_{0};
};

}  // namespace evtape::record
