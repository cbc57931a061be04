// Replay into a stream: a replay::Publisher that publishes through JetStream with acks and a
// bounded window of outstanding acks, and counts exactly what the server said about each
// message: stored (acked), duplicate (the PubAck's `duplicate`: a message with the same
// Nats-Msg-Id is already in the stream's duplicate window) or failed (an error ack, no stream for
// the subject, or no ack within the ack wait).
//
// Header blocks are published byte for byte (nats/raw_msg.h); Nats-Msg-Id is spliced in as the
// first header line when asked (the server uses the first one), and control headers are removed
// only when asked (control_headers.h), each removal counted.
//
// Threads: Publish/Finish on the replay thread; acks arrive on nats.c's thread and are counted
// under a mutex. No resend: a message that failed is counted, never published twice.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "jetstream/client.h"
#include "replay/publisher.h"

namespace evtape::jetstream {

struct JsPublishSettings {
  enum class MsgId { kNone, kCloudEvent, kSeq } msg_id = MsgId::kNone;
  // kCloudEvent: the id of a message's CloudEvent ("" when it has none: no Nats-Msg-Id then).
  // Filled in by the caller (payload knowledge stays out of this library).
  std::function<std::string(const replay::OutMessage&)> cloudevent_id;
  bool strip_control_headers = false;
  int max_pending = 4096;      // outstanding acks before Publish waits
  int64_t ack_wait_ms = 5000;  // per message
};

struct JsPublishCounts {
  uint64_t acked = 0, duplicate = 0, failed = 0;
  uint64_t stripped = 0;     // messages that had control headers removed
  uint64_t without_id = 0;   // kCloudEvent: messages with no CloudEvent id
  std::map<std::string, uint64_t> errors;  // "10071 wrong last sequence: 7" -> count
};

class JsPublisher : public replay::Publisher {
 public:
  // Errors: those of Session::Open (no JetStream, no permission) naming the URL.
  static Result<std::unique_ptr<JsPublisher>> Connect(const nats::ConnectionOptions& conn,
                                                      const JsPublishSettings& settings);
  ~JsPublisher() override;
  Status Publish(const replay::OutMessage& m) override;
  // Waits for the outstanding acks; those not received in time count as failed. *unsent gets
  // every failed message (error acks included).
  Status Finish(int64_t timeout_ns, uint64_t* unsent) override;
  JsPublishCounts counts() const;
  const std::string& url() const { return session_->url(); }

 private:
  JsPublisher() = default;
  static void OnAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);

  JsPublishSettings settings_;
  std::unique_ptr<Session> session_;
  JsPtr js_;  // the publishing context (ack handler, window); destroyed before the session
  uint64_t published_ = 0;
  uint64_t sync_failed_ = 0;  // Publish calls that failed (the replayer counts those itself)
  std::string headers_, subject_;
  mutable std::mutex mu_;
  JsPublishCounts counts_;
};

// The counts as the summary line and as the --report object.
std::string FormatJsCounts(const JsPublishCounts& c);
std::string JsCountsJson(const JsPublishCounts& c);

}  // namespace evtape::jetstream
