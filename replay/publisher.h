// Where replayed messages go. NatsPublisher republishes them on a NATS connection with exact
// accounting; tests and --dry-run use other implementations.
//
// Accounting contract (core NATS has no acknowledgements): a message counts as sent once the
// client library accepted it while connected, or accepted it into its reconnect buffer and that
// buffer was delivered after a reconnect. A message is "not sent" when the publish call failed
// (e.g. NATS_INSUFFICIENT_BUFFER: the reconnect buffer is full), or when it was waiting in the
// reconnect buffer when the connection was given up. The only loss this cannot see is bytes the
// kernel accepted in the instant before the server process died.
//
// Threads: Publish/Finish are called by the replay thread only; connection events arrive on
// nats.c threads and are synchronised internally.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "nats/connection.h"
#include "format/status.h"

namespace evtape::replay {

struct OutMessage {
  std::string_view subject, reply, headers, payload;
};

class Publisher {
 public:
  virtual ~Publisher() = default;
  // OK when accepted (sent or buffered for a reconnect). An error means this message was not
  // sent; Unavailable means the connection is gone for good (stop replaying).
  virtual Status Publish(const OutMessage& m) = 0;
  // Pushes everything out and waits (at most timeout_ns) until the server has it.
  // *unsent gets the accepted messages that are known not to have reached the server.
  virtual Status Finish(int64_t timeout_ns, uint64_t* unsent) = 0;
};

struct NatsPublisherSettings {
  bool send_asap = true;               // paced replay: no coalescing delay per message
  int64_t outage_timeout_ns = 30'000'000'000;  // how long to wait for a lost server
  int reconnect_buffer_bytes = 0;      // 0: nats.c default (8 MiB)
  const std::atomic<bool>* stop = nullptr;  // a stop request ends waits for reconnection
};

class NatsPublisher : public Publisher {
 public:
  static Result<std::unique_ptr<NatsPublisher>> Connect(const nats::ConnectionOptions& conn,
                                                        const NatsPublisherSettings& settings);
  ~NatsPublisher() override;
  Status Publish(const OutMessage& m) override;
  Status Finish(int64_t timeout_ns, uint64_t* unsent) override;
  uint64_t reconnects() const;
  std::string url() const { return url_; }

 private:
  class Listener;
  NatsPublisher() = default;
  Status PublishOnce(const OutMessage& m, natsStatus* raw);
  bool WaitReconnected(int64_t timeout_ns);

  NatsPublisherSettings settings_;
  std::unique_ptr<Listener> listener_;
  nats::ConnectionPtr conn_;
  std::string url_;
  std::string subject_, reply_;  // NUL-terminated copies for the C API
};

}  // namespace evtape::replay
