// evtape capture start/status/stop against real JetStream servers, its error paths (no
// JetStream, missing stream, bad flags), and sourcing from a wadm-like stream that already holds
// the lattice's subjects.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "jetstream/capture.h"
#include "tests/jetstream/js_test_util.h"
#include "tests/record/record_test_util.h"

namespace evtape {
namespace {

using testutil::RunEvtape;

testutil::ProcResult Capture(const std::string& url, std::vector<std::string> args) {
  args.insert(args.begin(), "capture");
  args.insert(args.end(), {"-s", url});
  return RunEvtape(args, std::chrono::seconds(30));
}

TEST_CASE("capture: names and subject coverage") {
  CHECK(jetstream::DefaultCaptureName({"wasmbus.evt.prod.>"}) == "evtape_prod");
  CHECK(jetstream::DefaultCaptureName({"wasmbus.evt.*.>"}) == "evtape_capture");
  CHECK(jetstream::DefaultCaptureName({"a.>", "b.>"}) == "evtape_capture");
  CHECK(jetstream::SubjectCovers("wasmbus.evt.*.>", "wasmbus.evt.default.>"));
  CHECK(jetstream::SubjectCovers("wasmbus.evt.*.>", "wasmbus.evt.*.>"));
  CHECK(jetstream::SubjectCovers(">", "a"));
  CHECK_FALSE(jetstream::SubjectCovers("wasmbus.evt.*.>", "wasmbus.>"));
  CHECK_FALSE(jetstream::SubjectCovers("a.*", "a.>"));
  CHECK_FALSE(jetstream::SubjectCovers("a.b", "a.*"));
  CHECK_FALSE(jetstream::SubjectCovers("a.*", "a"));
}

TEST_CASE("capture: start, status, update, stop", "[nats]") {
  auto server = js_test::StartJsServer();
  REQUIRE(server);
  testutil::ProcResult r = Capture(server->url(), {"start", "--lattice", "prod", "--window", "2h",
                                                   "--max-bytes", "64MiB", "--storage", "memory"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("created stream evtape_prod") != std::string::npos);
  CHECK(r.out.find("subjects:  wasmbus.evt.prod.>") != std::string::npos);

  record_test::Publisher pub(server->url());
  for (int i = 0; i < 5; ++i) REQUIRE(pub.Publish("wasmbus.evt.prod.x", js_test::Tag("p", i)));
  REQUIRE(pub.Flush());
  auto s = js_test::Open(server->url());
  REQUIRE(testutil::WaitUntil([&] { return js_test::StreamMsgs(*s, "evtape_prod") == 5; },
                              std::chrono::seconds(10)));

  r = Capture(server->url(), {"status", "--lattice", "prod", "--json"});
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["messages"] == 5);
  CHECK(j["window_ns"] == int64_t{7200} * 1'000'000'000);
  CHECK(j["max_bytes"] == int64_t{64} << 20);
  CHECK(j["storage"] == "memory");
  CHECK(j["replicas"] == 1);
  CHECK(j["first_seq"] == 1);
  CHECK(j["last_seq"] == 5);

  r = Capture(server->url(), {"start", "--lattice", "prod", "--window", "3h", "--storage", "memory"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("updated stream evtape_prod") != std::string::npos);
  CHECK(r.out.find("window:    3h") != std::string::npos);
  CHECK(js_test::StreamMsgs(*s, "evtape_prod") == 5);  // an update keeps what was captured

  r = Capture(server->url(), {"stop", "--lattice", "prod"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--yes") != std::string::npos);
  r = Capture(server->url(), {"stop", "--lattice", "prod", "--yes"});
  CHECK(r.exit_code == 0);
  r = Capture(server->url(), {"status", "--lattice", "prod"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("evtape_prod") != std::string::npos);
  CHECK(r.err.find("not found") != std::string::npos);
  CHECK(r.err.find(server->url()) != std::string::npos);
}

TEST_CASE("capture: errors name the URL, the stream or the argument", "[nats]") {
  auto plain = testutil::NatsServer::Start();
  REQUIRE(plain);
  testutil::ProcResult r = Capture(plain->url(), {"start", "--lattice", "x"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(plain->url()) != std::string::npos);
  CHECK(r.err.find("JetStream is not enabled") != std::string::npos);
  r = RunEvtape({"record", "--stream", "S", "-o", "unused", "-s", plain->url()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("JetStream is not enabled") != std::string::npos);

  r = Capture(plain->url(), {"start", "--window", "soon"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--window") != std::string::npos);
  CHECK(r.err.find("soon") != std::string::npos);
  CHECK(Capture(plain->url(), {"restart"}).exit_code == 2);
  CHECK(Capture(plain->url(), {}).exit_code == 2);
  CHECK(Capture(plain->url(), {"start", "--replicas", "9"}).exit_code == 2);
  CHECK(Capture(plain->url(), {"start", "--name", "a.b"}).exit_code == 2);

  auto js = js_test::StartJsServer();
  REQUIRE(js);
  r = Capture(js->url(), {"start", "--lattice", "x", "--replicas", "3"});
  CHECK(r.exit_code == 1);  // refused by a server that is not clustered
  CHECK(r.err.find("evtape_x") != std::string::npos);
  testutil::TempDir tmp;
  r = RunEvtape({"record", "--stream", "nope", "-o", tmp / "out", "-s", js->url()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("stream nope: not found") != std::string::npos);
  r = RunEvtape({"record", "--stream", "nope", "--since", "yesterday", "-o", tmp / "out", "-s", js->url()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--since") != std::string::npos);
}

TEST_CASE("capture: a user without permission for the JetStream API is told so", "[nats]") {
  testutil::TempDir tmp;
  testutil::WriteFile(tmp / "auth.conf",
                      "authorization { users = [ {user: a, password: b, permissions: "
                      "{publish: {deny: [\"$JS.API.>\"]}}} ] }\n");
  testutil::NatsServer::Options o;
  o.jetstream = true;
  o.extra_args = {"-c", tmp / "auth.conf"};
  auto server = testutil::NatsServer::Start(o);
  REQUIRE(server);
  testutil::ProcResult r = Capture(server->url(), {"status", "--user", "a", "--password", "b"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no permission for the JetStream API") != std::string::npos);
  CHECK(r.err.find(server->url()) != std::string::npos);
  CHECK(r.err.find("b@") == std::string::npos);  // no secret in the message
}

TEST_CASE("capture: sources from a wadm-like stream that holds the lattice's subjects", "[nats]") {
  auto server = js_test::StartJsServer();
  REQUIRE(server);
  auto s = js_test::Open(server->url());
  js_test::AddStream(*s, {.name = "wasmbus_events", .subjects = {"wasmbus.evt.*.>"},
                          .max_age_ns = 70'000'000'000});
  testutil::ProcResult r = Capture(server->url(), {"start", "--lattice", "default", "--window", "1h"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("sourcing wasmbus.evt.default.> from stream wasmbus_events") != std::string::npos);

  // A subject wider than wadm's stream cannot be sourced from it alone.
  r = Capture(server->url(), {"start", "--subject", "wasmbus.>", "--name", "wide"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("wasmbus_events") != std::string::npos);

  record_test::Publisher pub(server->url());
  const int n = 200;
  for (int i = 0; i < n; ++i) {
    REQUIRE(pub.Publish(js_test::Tag("wasmbus.evt.default.e", i % 3), record_test::MakePayload("ev", 40 + i),
                        i % 2 == 0 ? js_test::TestHeaders(i) : ""));
  }
  REQUIRE(pub.Publish("wasmbus.evt.other.x", "not ours"));
  REQUIRE(pub.Flush());
  REQUIRE(testutil::WaitUntil([&] { return js_test::StreamMsgs(*s, "evtape_default") == n; },
                              std::chrono::seconds(20)));

  testutil::TempDir tmp;
  r = RunEvtape({"record", "--stream", "evtape_default", "-o", tmp / "rec", "-s", server->url()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  record_test::Readback rb = record_test::ReadRecording(tmp / "rec");
  REQUIRE(rb.frames.size() == n);
  CHECK(rb.gaps.empty());
  for (int i = 0; i < n; ++i) {
    const format::Frame& f = rb.frames[i];
    CHECK(f.seq == static_cast<uint64_t>(i + 1));
    CHECK(f.subject == js_test::Tag("wasmbus.evt.default.e", i % 3));
    CHECK(f.payload == record_test::MakePayload("ev", 40 + i));
    // The sourcing stream's Nats-Stream-Source line is removed: the original bytes remain.
    CHECK(f.headers == (i % 2 == 0 ? js_test::TestHeaders(i) : ""));
    CHECK(f.reply.empty());
  }
}

}  // namespace
}  // namespace evtape
