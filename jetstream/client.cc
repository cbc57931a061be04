#include "jetstream/client.h"

#include <chrono>

namespace evtape::jetstream {

void PermissionWatch::OnError(natsSubscription*, natsStatus err) {
  if (err == NATS_NOT_PERMITTED) denied_.store(true);
}

void PermissionWatch::OnClosed() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

void PermissionWatch::WaitClosed() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(5), [this] { return closed_; });
}

Session::~Session() {
  js_.reset();
  if (conn_) {
    conn_.reset();
    watch_.WaitClosed();
  }
}

Status Session::FromJs(natsStatus s, jsErrCode code, const std::string& what) const {
  const std::string where = url_ + ": " + what + ": ";
  const int c = static_cast<int>(code);
  if (s == NATS_OK) return Status::Ok();
  if (s == NATS_NOT_FOUND || c == kErrStreamNotFound) {
    return Status::NotFound(where + "not found");
  }
  if (c == kErrNotEnabledForAccount) {
    return Status::Unavailable(where + "JetStream is not enabled for this account");
  }
  if (s == NATS_NO_RESPONDERS || c == kErrNotEnabled) {
    return Status::Unavailable(where + "JetStream is not enabled on this server (no responders)");
  }
  if (s == NATS_TIMEOUT || s == NATS_NOT_PERMITTED) {
    if (permission_denied() || s == NATS_NOT_PERMITTED) {
      return Status::Unavailable(where + "no permission for the JetStream API ($JS.API.>)");
    }
    return Status::Unavailable(where + "the JetStream API did not answer in time");
  }
  std::string text = s == NATS_ERR ? nats_GetLastError(nullptr) : natsStatus_GetText(s);
  if (text.empty()) text = natsStatus_GetText(s);
  if (c != 0) text += " (JetStream error " + std::to_string(c) + ")";
  return Status::IOError(where + text);
}

Result<std::unique_ptr<Session>> Session::Open(const nats::ConnectionOptions& options,
                                               int64_t api_wait_ms) {
  std::unique_ptr<Session> s(new Session());
  s->url_ = nats::RedactUrl(options.server.empty() ? nats::DefaultServerUrl() : options.server);
  nats::ConnectSettings settings;
  settings.listener = &s->watch_;
  EVTAPE_ASSIGN_OR_RETURN(s->conn_, nats::Connect(options, settings));
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = api_wait_ms;
  jsCtx* js = nullptr;
  natsStatus st = natsConnection_JetStream(&js, s->conn_.get(), &jo);
  if (st != NATS_OK) return nats::FromNats(st, "JetStream context for " + s->url_);
  s->js_.reset(js);
  jsAccountInfo* ai = nullptr;
  jsErrCode ec = static_cast<jsErrCode>(0);
  st = js_GetAccountInfo(&ai, js, nullptr, &ec);
  if (st != NATS_OK) return s->FromJs(st, ec, "JetStream");
  jsAccountInfo_Destroy(ai);
  return s;
}

}  // namespace evtape::jetstream
