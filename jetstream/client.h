// A JetStream session: a NATS connection, its JetStream context, and the probe that tells
// "JetStream is not there" apart from "no permission" before any stream call (docs/jetstream.md).
//
// Errors of JetStream API calls go through FromJs(), which decides on the nats.c status and the
// JetStream error code, never on nats_GetLastError() alone (it is stale for most statuses).
//
// Threads: a Session is used by one thread; the permission watch is set on nats.c's threads.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <string>

#include "format/status.h"
#include "nats/connection.h"

namespace evtape::jetstream {

// JetStream error codes evtape branches on (nats-server's JSApiError codes).
inline constexpr int kErrStreamNotFound = 10059;
inline constexpr int kErrNotEnabled = 10076;
inline constexpr int kErrNotEnabledForAccount = 10039;

struct JsCtxDeleter {
  void operator()(jsCtx* js) const { jsCtx_Destroy(js); }
};
using JsPtr = std::unique_ptr<jsCtx, JsCtxDeleter>;

// Sees the asynchronous permission violations that nats.c 3.4.1 reports only through the
// connection's error handler (a JetStream API request without permission just times out).
// nats.c calls the closed callback on its own thread after natsConnection_Destroy returned, so
// the watch waits for it before it may go (WaitClosed).
class PermissionWatch : public nats::ConnectionListener {
 public:
  void OnError(natsSubscription* sub, natsStatus err) override;
  void OnClosed() override;
  bool denied() const { return denied_.load(); }
  // Blocks until OnClosed ran (at most 5 s).
  void WaitClosed();

 private:
  std::atomic<bool> denied_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
};

class Session {
 public:
  // Connects (options as every verb) and probes JetStream with js_GetAccountInfo. Errors name
  // the redacted URL: Unavailable "<url>: JetStream is not enabled on this server", "... not
  // enabled for this account", "... no permission for the JetStream API", or the connection
  // error. `api_wait_ms` bounds every JetStream API request.
  static Result<std::unique_ptr<Session>> Open(const nats::ConnectionOptions& options,
                                               int64_t api_wait_ms = 5000);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  jsCtx* js() const { return js_.get(); }
  natsConnection* conn() const { return conn_.get(); }
  const std::string& url() const { return url_; }  // redacted
  bool permission_denied() const { return watch_.denied(); }

  // The Status of a failed JetStream call `what` (e.g. "stream evtape_default"): NotFound for a
  // missing stream, Unavailable for no JetStream / timeouts (naming a permission denial when one
  // was seen), IOError with the server's text and code otherwise. Prefixed with the URL.
  Status FromJs(natsStatus s, jsErrCode code, const std::string& what) const;

 private:
  Session() = default;
  PermissionWatch watch_;  // declared first: outlives the connection
  nats::ConnectionPtr conn_;
  JsPtr js_;
  std::string url_;
};

}  // namespace evtape::jetstream
