// The shared NATS layer: URL redaction, option validation, connect errors, and byte-exact raw
// header messages through a real nats-server.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "nats/connection.h"
#include "nats/raw_msg.h"
#include "tests/testutil/testutil.h"

namespace evtape::nats {
namespace {

using testutil::NatsServer;

TEST_CASE("RedactUrl strips user info and query", "[nats_layer]") {
  CHECK(RedactUrl("nats://alice:s3cret@host:4222") == "nats://host:4222");
  CHECK(RedactUrl("nats://tok3n@host:4222/path?x=1") == "nats://host:4222/path");
  CHECK(RedactUrl("tls://a:b@h1:1, nats://h2:2") == "tls://h1:1,nats://h2:2");
  CHECK(RedactUrl("127.0.0.1:4222") == "127.0.0.1:4222");
  CHECK(RedactUrl("nats://u:p@ss@host") == "nats://host");
}

TEST_CASE("connection options are validated naming the option", "[nats_layer]") {
  ConnectionOptions c;
  c.server = "nats://127.0.0.1:1";
  CHECK(ValidateConnectionOptions(c).ok());
  c.password = "pw";
  Status s = ValidateConnectionOptions(c);
  CHECK(s.message().find("--password") != std::string::npos);
  CHECK(s.message().find("pw") == std::string::npos);
  c.password.clear();
  c.tls_cert = "/nonexistent/cert.pem";
  CHECK(ValidateConnectionOptions(c).message().find("--tlscert") != std::string::npos);
  c.tls_key = "/nonexistent/key.pem";
  CHECK(ValidateConnectionOptions(c).message().find("--tlscert: cannot read") != std::string::npos);
}

TEST_CASE("connect timeout is parsed and bad values rejected", "[nats_layer]") {
  std::map<std::string, std::string> args{{"connect-timeout", "250ms"}};
  auto get = [&args](const char* n) -> const std::string* {
    auto it = args.find(n);
    return it == args.end() ? nullptr : &it->second;
  };
  Result<ConnectionOptions> c = ConnectionOptionsFromArgs(get, true);
  REQUIRE(c.ok());
  CHECK(c->connect_timeout_ns == 250'000'000);
  CHECK(c->retry_connect);
  args["connect-timeout"] = "soon";
  Result<ConnectionOptions> bad = ConnectionOptionsFromArgs(get, false);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("--connect-timeout") != std::string::npos);
}

TEST_CASE("connect to an absent server names the redacted URL", "[nats_layer][nats]") {
  ConnectionOptions c;
  c.server = "nats://bob:hunter2@127.0.0.1:1";
  c.connect_timeout_ns = 500'000'000;
  Result<ConnectionPtr> conn = Connect(c, ConnectSettings{});
  REQUIRE_FALSE(conn.ok());
  CHECK(conn.status().message().find("nats://127.0.0.1:1") != std::string::npos);
  CHECK(conn.status().message().find("hunter2") == std::string::npos);
}

TEST_CASE("retry-connect can be cancelled", "[nats_layer][nats]") {
  ConnectionOptions c;
  c.server = "nats://127.0.0.1:1";
  c.retry_connect = true;
  ConnectSettings s;
  int polls = 0;
  s.cancelled = [&polls] { return ++polls > 3; };
  Result<ConnectionPtr> conn = Connect(c, s);
  REQUIRE_FALSE(conn.ok());
  CHECK(conn.status().code() == Status::Code::kCancelled);
}

TEST_CASE("raw messages keep their header bytes through a server", "[nats_layer][nats]") {
  REQUIRE(RawMessagesSupported());
  auto server = NatsServer::Start();
  REQUIRE(server);
  ConnectionOptions c;
  c.server = server->url();
  Result<ConnectionPtr> conn = Connect(c, ConnectSettings{});
  REQUIRE(conn.ok());
  natsSubscription* raw_sub = nullptr;
  REQUIRE(natsConnection_SubscribeSync(&raw_sub, conn->get(), "raw.>") == NATS_OK);
  SubscriptionPtr sub(raw_sub);
  REQUIRE(natsConnection_Flush(conn->get()) == NATS_OK);

  const std::string headers = "NATS/1.0\r\nX-Dup: 1\r\nx-dup:   spaced  \r\nX-Dup: 3\r\n\r\n";
  const std::string payload("bin\0ary", 7);
  Result<MsgPtr> m = MakeRawMsg("raw.one", "reply.here", headers, payload);
  REQUIRE(m.ok());
  REQUIRE(natsConnection_PublishMsg(conn->get(), m->get()) == NATS_OK);
  Result<MsgPtr> plain = MakeRawMsg("raw.two", "", "", "");
  REQUIRE(plain.ok());
  REQUIRE(natsConnection_PublishMsg(conn->get(), plain->get()) == NATS_OK);

  natsMsg* got_raw = nullptr;
  REQUIRE(natsSubscription_NextMsg(&got_raw, sub.get(), 5000) == NATS_OK);
  MsgPtr got(got_raw);
  std::string scratch;
  Result<RawHeaderResult> h = RawHeaders(got.get(), &scratch);
  REQUIRE(h.ok());
  CHECK(h->exact);
  CHECK(std::string(h->block) == headers);
  CHECK(std::string(natsMsg_GetReply(got.get())) == "reply.here");
  CHECK(std::string(natsMsg_GetData(got.get()), natsMsg_GetDataLength(got.get())) == payload);

  REQUIRE(natsSubscription_NextMsg(&got_raw, sub.get(), 5000) == NATS_OK);
  MsgPtr second(got_raw);
  Result<RawHeaderResult> none = RawHeaders(second.get(), &scratch);
  REQUIRE(none.ok());
  CHECK(none->block.empty());
  CHECK(natsMsg_GetReply(second.get()) == nullptr);
  CHECK(natsMsg_GetDataLength(second.get()) == 0);
}

TEST_CASE("MakeRawMsg rejects malformed header blocks", "[nats_layer]") {
  CHECK_FALSE(MakeRawMsg("a", "", "X-Key: 1\r\n\r\n", "p").ok());
  CHECK_FALSE(MakeRawMsg("a", "", "NATS/1.0\r\nX: 1\r\n", "p").ok());
  CHECK_FALSE(MakeRawMsg("", "", "", "p").ok());
}

}  // namespace
}  // namespace evtape::nats
