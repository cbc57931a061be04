#include "jetstream/publisher.h"

#include <nlohmann/json.hpp>

#include "jetstream/control_headers.h"
#include "nats/raw_msg.h"
#include "util/json.h"

namespace evtape::jetstream {

void JsPublisher::OnAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* self = static_cast<JsPublisher*>(closure);
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    if (pa != nullptr) {
      (pa->Duplicate ? self->counts_.duplicate : self->counts_.acked)++;
    } else {
      self->counts_.failed++;
      std::string key = pae != nullptr && pae->ErrCode != 0 ? std::to_string(pae->ErrCode) + " " : "";
      if (pae != nullptr && pae->ErrText != nullptr && *pae->ErrText != '\0') {
        key += pae->ErrText;
      } else {
        key += natsStatus_GetText(pae != nullptr ? pae->Err : NATS_ERR);
      }
      self->counts_.errors[key]++;
    }
  }
  natsMsg_Destroy(msg);  // with an AckHandler the message is ours in both cases
}

Result<std::unique_ptr<JsPublisher>> JsPublisher::Connect(const nats::ConnectionOptions& conn,
                                                          const JsPublishSettings& settings) {
  std::unique_ptr<JsPublisher> p(new JsPublisher());
  p->settings_ = settings;
  EVTAPE_ASSIGN_OR_RETURN(p->session_, Session::Open(conn));
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.AckHandler = &JsPublisher::OnAck;
  jo.PublishAsync.AckHandlerClosure = p.get();
  jo.PublishAsync.MaxPending = settings.max_pending;
  jo.PublishAsync.StallWait = 200;
  jsCtx* js = nullptr;
  EVTAPE_RETURN_IF_ERROR(nats::FromNats(natsConnection_JetStream(&js, p->session_->conn(), &jo),
                                        "JetStream context"));
  p->js_.reset(js);
  return p;
}

JsPublisher::~JsPublisher() { js_.reset(); }

Status JsPublisher::Publish(const replay::OutMessage& m) {
  ++published_;
  std::string_view headers = m.headers;
  if (settings_.strip_control_headers) {
    int removed = 0;
    headers_ = StripControlHeaders(headers, &removed);
    if (removed > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      counts_.stripped++;
    }
    headers = headers_;
  }
  std::string id;
  if (settings_.msg_id == JsPublishSettings::MsgId::kSeq) id = std::to_string(published_);
  if (settings_.msg_id == JsPublishSettings::MsgId::kCloudEvent && settings_.cloudevent_id) {
    id = settings_.cloudevent_id(m);
    if (id.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      counts_.without_id++;
    }
  }
  if (!id.empty()) {
    subject_ = WithMsgId(headers, id);
    headers = subject_;
  }
  // The reply is JetStream's ack inbox; a recorded reply has no meaning for a stream.
  EVTAPE_ASSIGN_OR_RETURN(nats::MsgPtr msg, nats::MakeRawMsg(m.subject, "", headers, m.payload));
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = settings_.ack_wait_ms;
  natsMsg* raw = msg.release();
  natsStatus s;
  while ((s = js_PublishMsgAsync(js_.get(), &raw, &po)) == NATS_TIMEOUT) {
    // The window of outstanding acks is full: wait for it to drain.
  }
  if (s == NATS_OK) return Status::Ok();
  natsMsg_Destroy(raw);
  std::lock_guard<std::mutex> lock(mu_);
  counts_.failed++;
  sync_failed_++;
  counts_.errors[natsStatus_GetText(s)]++;
  return nats::FromNats(s, "JetStream publish to " + std::string(m.subject));
}

Status JsPublisher::Finish(int64_t timeout_ns, uint64_t* unsent) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = std::max<int64_t>(1, timeout_ns / 1'000'000);
  natsStatus s = js_PublishAsyncComplete(js_.get(), &po);
  if (s == NATS_TIMEOUT) {
    natsMsgList pending{};
    if (js_PublishAsyncGetPendingList(&pending, js_.get()) == NATS_OK) {
      std::lock_guard<std::mutex> lock(mu_);
      counts_.failed += static_cast<uint64_t>(pending.Count);
      counts_.errors["no ack before the replay ended"] += static_cast<uint64_t>(pending.Count);
      natsMsgList_Destroy(&pending);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  // Publish-call failures were already counted by the replayer as failed; report the rest.
  *unsent = counts_.failed - sync_failed_;
  return Status::Ok();
}

JsPublishCounts JsPublisher::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

std::string FormatJsCounts(const JsPublishCounts& c) {
  std::string out = "jetstream: " + std::to_string(c.acked) + " stored, " +
                    std::to_string(c.duplicate) + " duplicate (already in the stream's duplicate window), " +
                    std::to_string(c.failed) + " failed";
  if (c.stripped > 0) out += "; control headers stripped from " + std::to_string(c.stripped) + " messages";
  if (c.without_id > 0) out += "; " + std::to_string(c.without_id) + " messages had no CloudEvent id (no Nats-Msg-Id)";
  out += "\n";
  for (const auto& [why, n] : c.errors) out += "  failed: " + std::to_string(n) + " x " + why + "\n";
  return out;
}

std::string JsCountsJson(const JsPublishCounts& c) {
  nlohmann::json j = {{"acked", c.acked}, {"duplicate", c.duplicate}, {"failed", c.failed},
                      {"stripped", c.stripped}, {"without_id", c.without_id}};
  j["errors"] = nlohmann::json::object();
  for (const auto& [why, n] : c.errors) j["errors"][why] = n;
  return DumpJson(j);
}

}  // namespace evtape::jetstream
