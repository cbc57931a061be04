// HandoffQueue: the bounded queue between the NATS callback thread (producer) and the writer
// thread (consumer).
//
// nats.c's own pending limits are switched off (a recorder must not let the library drop
// silently), so this queue is what bounds memory: at most max_messages items and max_bytes of
// message memory. A message that would exceed either bound is dropped here, counted, and the
// drop episode becomes one kOverflow gap item placed in the stream exactly where the messages
// went missing (before the next accepted message, or at Close()).
//
// Items own their natsMsg (zero copy: the block nats.c allocated is handed over as is and freed
// by the consumer). Threads: any number of producers, one consumer. Never blocks a producer.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "nats/connection.h"
#include "format/types.h"

namespace evtape::record {

struct QueueItem {
  nats::MsgPtr msg;     // null for a gap item
  int64_t time_ns = 0;  // CLOCK_REALTIME at receipt
  int64_t mono_ns = 0;  // CLOCK_MONOTONIC at receipt
  format::Gap gap;      // when msg is null (after_seq is filled in by the writer)
};

struct QueueStats {
  uint64_t pushed = 0;   // accepted messages
  uint64_t dropped = 0;  // messages refused by the bounds
  uint64_t peak_messages = 0, peak_bytes = 0;
};

class HandoffQueue {
 public:
  HandoffQueue(size_t max_messages, uint64_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}

  // Producer: takes ownership of msg. `bytes` is its memory cost (raw size + overhead).
  // Returns false when the message was dropped (counted; it is destroyed here).
  bool PushMessage(nats::MsgPtr msg, uint64_t bytes, int64_t time_ns, int64_t mono_ns);
  // Producer: a gap known from elsewhere (e.g. a reconnect), placed after what is queued.
  void PushGap(const format::Gap& gap);

  // Producer: a gap placed before everything queued. Only before the consumer's first PopAll
  // (the recorder's restart gap, known once the subscription is live).
  void PushGapFront(const format::Gap& gap);

  // Consumer: moves everything queued into *out (cleared first). When fewer than kWakeBatch
  // items are queued it first waits, up to `wait_ns` (negative: no limit), for a full batch,
  // for Close(), or, with wake_on_first, for the first item. A producer never wakes the
  // consumer for a single message otherwise (a futex wake per message costs more than its
  // write), so an idle recorder sleeps until there is something to do. Returns false once
  // Close() was called and nothing is left.
  bool PopAll(std::vector<QueueItem>* out, int64_t wait_ns, bool wake_on_first);
  // After Close() no more items are accepted (pushes are dropped silently: the caller has
  // stopped its subscriptions first); an open drop episode becomes a final gap item.
  void Close(int64_t now_ns);
  // Consumer: returns the memory of items it has processed.
  void Release(uint64_t messages, uint64_t bytes);

  QueueStats stats() const;
  // Fill level against the tighter of the two bounds, 0..1 (queued plus being processed).
  double fill() const;

  // A waiting consumer is woken when this many items are queued.
  static constexpr size_t kWakeBatch = 256;

 private:
  void EndEpisodeLocked();

  const size_t max_messages_;
  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<QueueItem> items_;
  size_t held_messages_ = 0;  // queued + being processed by the consumer
  uint64_t held_bytes_ = 0;
  bool closed_ = false;
  bool waiting_ = false;        // the consumer waits for a full batch
  bool wake_on_first_ = false;  // ... or for the first item
  // The current drop episode.
  uint64_t episode_count_ = 0;
  int64_t episode_start_ns_ = 0, episode_end_ns_ = 0;
  QueueStats stats_;
};

}  // namespace evtape::record
