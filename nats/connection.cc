#include "nats/connection.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "util/units.h"

namespace evtape::nats {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

std::string RedactOne(std::string_view url) {
  std::string u = Trim(url);
  size_t scheme = u.find("://");
  size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t path = u.find_first_of("/?#", host_start);
  size_t auth_end = path == std::string::npos ? u.size() : path;
  size_t at = u.rfind('@', auth_end == 0 ? 0 : auth_end - 1);
  if (at != std::string::npos && at >= host_start && at < auth_end) {
    u.erase(host_start, at + 1 - host_start);
  }
  size_t q = u.find_first_of("?#", host_start);
  if (q != std::string::npos) u.erase(q);
  return u;
}

bool Readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

Status CheckFile(const char* option, const std::string& path) {
  if (path.empty() || Readable(path)) return Status::Ok();
  return Status::InvalidArgument(std::string("--") + option + ": cannot read " + path);
}

// The public user key of an nkey file: nats.c cannot derive it from the seed.
Result<std::string> NkeyPublicKey(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("--nkey: cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.size() == 56 && t[0] == 'U') return t;
  }
  return Status::InvalidArgument("--nkey: " + path +
                                 " holds no public user key (a line starting with U)");
}

Status SetAuthAndTls(natsOptions* o, const ConnectionOptions& c) {
  if (!c.creds_file.empty()) {
    EVTAPE_RETURN_IF_ERROR(FromNats(
        natsOptions_SetUserCredentialsFromFiles(o, c.creds_file.c_str(), nullptr),
        "loading --creds " + c.creds_file));
  }
  if (!c.nkey_file.empty()) {
    EVTAPE_ASSIGN_OR_RETURN(std::string pub, NkeyPublicKey(c.nkey_file));
    EVTAPE_RETURN_IF_ERROR(
        FromNats(natsOptions_SetNKeyFromSeed(o, pub.c_str(), c.nkey_file.c_str()),
                 "loading --nkey " + c.nkey_file));
  }
  if (!c.user.empty() || !c.password.empty()) {
    EVTAPE_RETURN_IF_ERROR(
        FromNats(natsOptions_SetUserInfo(o, c.user.c_str(), c.password.c_str()), "--user"));
  }
  if (!c.token.empty()) {
    EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_SetToken(o, c.token.c_str()), "--token"));
  }
  if (!c.tls_ca.empty() || !c.tls_cert.empty()) {
    EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_SetSecure(o, true), "enabling TLS"));
  }
  if (!c.tls_ca.empty()) {
    EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_LoadCATrustedCertificates(o, c.tls_ca.c_str()),
                                    "loading --tlsca " + c.tls_ca));
  }
  if (!c.tls_cert.empty()) {
    EVTAPE_RETURN_IF_ERROR(FromNats(
        natsOptions_LoadCertificatesChain(o, c.tls_cert.c_str(), c.tls_key.c_str()),
        "loading --tlscert " + c.tls_cert));
  }
  return Status::Ok();
}

}  // namespace

struct ListenerContext {
  ConnectionListener* listener = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  bool closed = false;  // the closed callback ran
};

void ConnectionDeleter::operator()(natsConnection* c) const {
  natsConnection_Close(c);
  if (context) {
    std::unique_lock<std::mutex> lock(context->mu);
    if (!context->cv.wait_for(lock, std::chrono::seconds(10), [&] { return context->closed; })) {
      // nats.c never called back: keep the context for a callback that may still come.
      new std::shared_ptr<ListenerContext>(context);
    }
  }
  natsConnection_Destroy(c);
}

namespace {

ConnectionListener* ListenerOf(void* context) {
  return static_cast<ListenerContext*>(context)->listener;
}
void OnDisconnectedThunk(natsConnection*, void* l) { ListenerOf(l)->OnDisconnected(); }
void OnReconnectedThunk(natsConnection*, void* l) { ListenerOf(l)->OnReconnected(); }
void OnClosedThunk(natsConnection*, void* l) {
  ListenerOf(l)->OnClosed();
  auto* context = static_cast<ListenerContext*>(l);
  std::lock_guard<std::mutex> lock(context->mu);
  context->closed = true;
  context->cv.notify_all();
}
void OnErrorThunk(natsConnection*, natsSubscription* sub, natsStatus err, void* l) {
  ListenerOf(l)->OnError(sub, err);
}

Result<OptionsPtr> BuildOptions(const ConnectionOptions& c, const ConnectSettings& s,
                                const std::string& url, ListenerContext* context) {
  natsOptions* raw = nullptr;
  EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_Create(&raw), "natsOptions_Create"));
  OptionsPtr o(raw);
  // nats.c 3.4.1's SetURL does not split a comma-separated list (a cluster's URLs then never
  // connect): hand the list to SetServers instead.
  std::vector<std::string> urls;
  for (size_t start = 0; start <= url.size();) {
    size_t comma = std::min(url.find(',', start), url.size());
    if (comma > start) urls.push_back(url.substr(start, comma - start));
    start = comma + 1;
  }
  std::vector<const char*> servers;
  for (const auto& u : urls) servers.push_back(u.c_str());
  natsStatus set = servers.size() > 1
                       ? natsOptions_SetServers(o.get(), servers.data(), static_cast<int>(servers.size()))
                       : natsOptions_SetURL(o.get(), url.c_str());
  EVTAPE_RETURN_IF_ERROR(FromNats(set, "invalid server URL " + RedactUrl(url)));
  EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_SetName(o.get(), c.client_name.c_str()), "name"));
  int64_t timeout_ms = std::max<int64_t>(1, c.connect_timeout_ns / 1'000'000);
  EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_SetTimeout(o.get(), timeout_ms), "timeout"));
  EVTAPE_RETURN_IF_ERROR(
      FromNats(natsOptions_SetMaxReconnect(o.get(), s.max_reconnect), "max reconnect"));
  EVTAPE_RETURN_IF_ERROR(
      FromNats(natsOptions_SetReconnectWait(o.get(), s.reconnect_wait_ms), "reconnect wait"));
  EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_SetSendAsap(o.get(), s.send_asap), "send asap"));
  if (s.single_delivery_thread) {
    EVTAPE_RETURN_IF_ERROR(FromNats(natsOptions_UseGlobalMessageDelivery(o.get(), true),
                                    "global message delivery"));
  }
  if (s.reconnect_buffer_bytes > 0) {
    EVTAPE_RETURN_IF_ERROR(FromNats(
        natsOptions_SetReconnectBufSize(o.get(), s.reconnect_buffer_bytes), "reconnect buffer"));
  }
  if (context != nullptr) {
    void* l = context;
    EVTAPE_RETURN_IF_ERROR(FromNats(
        natsOptions_SetDisconnectedCB(o.get(), OnDisconnectedThunk, l), "disconnected cb"));
    EVTAPE_RETURN_IF_ERROR(FromNats(
        natsOptions_SetReconnectedCB(o.get(), OnReconnectedThunk, l), "reconnected cb"));
    EVTAPE_RETURN_IF_ERROR(
        FromNats(natsOptions_SetClosedCB(o.get(), OnClosedThunk, l), "closed cb"));
    EVTAPE_RETURN_IF_ERROR(
        FromNats(natsOptions_SetErrorHandler(o.get(), OnErrorThunk, l), "error handler"));
  }
  EVTAPE_RETURN_IF_ERROR(SetAuthAndTls(o.get(), c));
  return o;
}

bool Retryable(natsStatus s) {
  return s == NATS_NO_SERVER || s == NATS_TIMEOUT || s == NATS_IO_ERROR ||
         s == NATS_CONNECTION_CLOSED || s == NATS_STALE_CONNECTION;
}

}  // namespace

std::string DefaultServerUrl() {
  const char* env = std::getenv("NATS_URL");
  if (env != nullptr && *env != '\0') return env;
  return "nats://127.0.0.1:4222";
}

std::string RedactUrl(std::string_view url) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t comma = url.find(',', start);
    std::string_view part = url.substr(start, comma == std::string_view::npos ? url.npos
                                                                               : comma - start);
    if (!out.empty()) out += ',';
    out += RedactOne(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Status FromNats(natsStatus s, std::string_view operation) {
  if (s == NATS_OK) return Status::Ok();
  std::string msg(operation);
  msg += ": ";
  msg += natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail != nullptr && *detail != '\0' && std::string_view(detail) != natsStatus_GetText(s)) {
    msg += " (";
    msg += detail;
    msg += ")";
  }
  switch (s) {
    case NATS_NO_SERVER:
    case NATS_TIMEOUT:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_NOT_PERMITTED:
      return Status::Unavailable(std::move(msg));
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
    case NATS_MAX_PAYLOAD:
      return Status::InvalidArgument(std::move(msg));
    default:
      return Status::IOError(std::move(msg));
  }
}

Status ValidateConnectionOptions(const ConnectionOptions& c) {
  if (c.server.empty()) return Status::InvalidArgument("--server: empty URL");
  for (char ch : c.server) {
    if (ch == ' ' || ch == '\t' || ch == '\n') {
      return Status::InvalidArgument("--server: URL contains whitespace: " + RedactUrl(c.server));
    }
  }
  if (c.connect_timeout_ns <= 0) return Status::InvalidArgument("--connect-timeout: must be > 0");
  if (!c.token.empty() && !c.user.empty()) {
    return Status::InvalidArgument("--token: cannot be combined with --user");
  }
  if (!c.password.empty() && c.user.empty()) {
    return Status::InvalidArgument("--password: needs --user");
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return Status::InvalidArgument(c.tls_cert.empty() ? "--tlskey: needs --tlscert"
                                                      : "--tlscert: needs --tlskey");
  }
  if (!c.creds_file.empty() && !c.nkey_file.empty()) {
    return Status::InvalidArgument("--nkey: cannot be combined with --creds");
  }
  EVTAPE_RETURN_IF_ERROR(CheckFile("creds", c.creds_file));
  EVTAPE_RETURN_IF_ERROR(CheckFile("nkey", c.nkey_file));
  EVTAPE_RETURN_IF_ERROR(CheckFile("tlscert", c.tls_cert));
  EVTAPE_RETURN_IF_ERROR(CheckFile("tlskey", c.tls_key));
  EVTAPE_RETURN_IF_ERROR(CheckFile("tlsca", c.tls_ca));
  return Status::Ok();
}

Result<ConnectionOptions> ConnectionOptionsFromArgs(
    const std::function<const std::string*(const char*)>& get, bool retry_connect) {
  ConnectionOptions c;
  c.server = get("server") != nullptr ? *get("server") : DefaultServerUrl();
  auto copy = [&get](const char* name, std::string* out) {
    if (const std::string* v = get(name)) *out = *v;
  };
  copy("creds", &c.creds_file);
  copy("nkey", &c.nkey_file);
  copy("user", &c.user);
  copy("password", &c.password);
  copy("token", &c.token);
  copy("tlscert", &c.tls_cert);
  copy("tlskey", &c.tls_key);
  copy("tlsca", &c.tls_ca);
  if (const std::string* t = get("connect-timeout")) {
    std::optional<int64_t> ns = ParseDurationNs(*t);
    if (!ns || *ns <= 0) {
      return Status::InvalidArgument("--connect-timeout: not a positive duration: '" + *t + "'");
    }
    c.connect_timeout_ns = *ns;
  }
  c.retry_connect = retry_connect;
  EVTAPE_RETURN_IF_ERROR(ValidateConnectionOptions(c));
  return c;
}

Result<ConnectionPtr> Connect(const ConnectionOptions& c, const ConnectSettings& s) {
  EVTAPE_RETURN_IF_ERROR(ValidateConnectionOptions(c));
  const std::string shown = RedactUrl(c.server);
  std::shared_ptr<ListenerContext> context;
  if (s.listener != nullptr) {
    context = std::make_shared<ListenerContext>();
    context->listener = s.listener;
  }
  EVTAPE_ASSIGN_OR_RETURN(OptionsPtr opts, BuildOptions(c, s, c.server, context.get()));
  while (true) {
    natsConnection* raw = nullptr;
    natsStatus st = natsConnection_Connect(&raw, opts.get());
    if (st == NATS_OK) return ConnectionPtr(raw, ConnectionDeleter{context});
    Status err = FromNats(st, "cannot connect to " + shown);
    if (!c.retry_connect || !Retryable(st)) return err;
    // Wait between attempts in small steps so that a cancellation is seen quickly.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(s.reconnect_wait_ms);
    do {
      if (s.cancelled && s.cancelled()) {
        return Status::Cancelled("cancelled while waiting for " + shown);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
  }
}

}  // namespace evtape::nats
