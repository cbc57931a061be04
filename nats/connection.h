// The NATS connection layer shared by record, replay and every verb that talks to a server:
// connection options in natscli's spelling, URL redaction, RAII handles for nats.c objects,
// natsStatus -> Status mapping and Connect().
//
// Secrets (password, token, creds/nkey contents) live only in ConnectionOptions and in the
// natsOptions built from them; nothing in this file prints them, and RedactUrl() strips user
// info from URLs before they are shown or stored in a recording's metadata.
//
// Threads: the free functions are thread-safe. A ConnectionListener is called on nats.c's
// internal threads; it must be thread-safe and outlive the connection.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "format/status.h"

namespace evtape::nats {

// What a user says about how to reach and authenticate to a server.
struct ConnectionOptions {
  std::string server;  // one URL or a comma-separated list; default DefaultServerUrl()
  std::string creds_file;
  std::string nkey_file;  // seed file; see --nkey help for the public key line
  std::string user, password, token;
  std::string tls_cert, tls_key, tls_ca;
  int64_t connect_timeout_ns = 5'000'000'000;  // per attempt
  bool retry_connect = false;  // keep trying until a server answers (or cancelled)
  std::string client_name = "evtape";
};

// $NATS_URL when set and non-empty, else nats://127.0.0.1:4222.
std::string DefaultServerUrl();

// Removes user info ("user:pass@", "token@") and any query string from each URL of a
// comma-separated list: safe to print and to store.
std::string RedactUrl(std::string_view url);

// Checks the values (files readable, both or neither of --tlscert/--tlskey, user/token not
// both, timeout > 0). InvalidArgument naming the option.
Status ValidateConnectionOptions(const ConnectionOptions& options);

// --- RAII handles -------------------------------------------------------------------------
struct OptionsDeleter {
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};
// The closure nats.c hands to a connection's callbacks (connection.cc).
struct ListenerContext;
struct ConnectionDeleter {
  // Closes the connection, then, when it has a listener, waits (at most 10 s) until nats.c ran
  // the closed callback, the last callback it makes, on its own thread: only then may the
  // listener go. natsConnection_Close and _Destroy return before the callbacks queued for
  // that thread ran (a race ThreadSanitizer found: the listener freed under a late callback).
  void operator()(natsConnection* c) const;
  std::shared_ptr<ListenerContext> context;  // null: no listener
};
struct SubscriptionDeleter {
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
struct MsgDeleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
using OptionsPtr = std::unique_ptr<natsOptions, OptionsDeleter>;
using ConnectionPtr = std::unique_ptr<natsConnection, ConnectionDeleter>;
using SubscriptionPtr = std::unique_ptr<natsSubscription, SubscriptionDeleter>;
using MsgPtr = std::unique_ptr<natsMsg, MsgDeleter>;

// OK for NATS_OK; otherwise "operation: <status text> (<nats_GetLastError text>)" with a code:
// Unavailable for no server / connection closed / timeouts, InvalidArgument for bad
// arguments, IOError otherwise.
Status FromNats(natsStatus s, std::string_view operation);

// Connection events, called on nats.c threads. Default implementations do nothing.
class ConnectionListener {
 public:
  virtual ~ConnectionListener() = default;
  virtual void OnDisconnected() {}
  virtual void OnReconnected() {}
  virtual void OnClosed() {}
  // Asynchronous errors, e.g. NATS_SLOW_CONSUMER for `sub` (may be null).
  virtual void OnError(natsSubscription* /*sub*/, natsStatus /*err*/) {}
};

// How the program wants the connection to behave (as opposed to what the user typed).
struct ConnectSettings {
  bool send_asap = false;           // write every publish at once (paced replay)
  int reconnect_buffer_bytes = 0;   // publishes kept while reconnecting; 0 = nats.c default 8 MiB
  int max_reconnect = -1;           // reconnect attempts after a loss; -1 = forever
  int64_t reconnect_wait_ms = 250;  // between reconnect attempts
  // One delivery thread for all subscriptions (nats.c's global pool), so that messages of
  // several subscriptions reach the callbacks in the order they arrived on the socket.
  bool single_delivery_thread = false;
  ConnectionListener* listener = nullptr;  // not owned; must outlive the connection
  // Polled between --retry-connect attempts; returning true stops with Cancelled.
  std::function<bool()> cancelled;
};

// Reads connection options from named string values (a command line's -s, --creds, ...):
// get_string("server") returns the value or null when absent. InvalidArgument naming the
// option on a bad value.
Result<ConnectionOptions> ConnectionOptionsFromArgs(
    const std::function<const std::string*(const char*)>& get_string, bool retry_connect);

// Connects. Errors name the redacted URL and the cause, e.g. "cannot connect to
// nats://127.0.0.1:4222: No server available for connection". With options.retry_connect it
// keeps trying (every reconnect_wait_ms) until a server answers or settings.cancelled().
Result<ConnectionPtr> Connect(const ConnectionOptions& options, const ConnectSettings& settings);

}  // namespace evtape::nats
